{%- set raw_columns = segments.raw_contract_columns('contacts') -%}
{%- set raw_columns_as_delivered = [] -%}
{%- for column in raw_columns -%}{%- do raw_columns_as_delivered.append('raw_' ~ column) -%}{%- endfor -%}

with

checked_contacts as (
    select * from {{ ref('stg_contacts__checked') }}
),

quarantined as (
    select
        {{ segments.row_fingerprint(raw_columns_as_delivered) }} as quarantine_row_id,
        'contacts' as source_table,
        raw_contact_id as record_key,
        quarantine_reason,
        {% for column in raw_columns -%}
            raw_{{ column }} as {{ column }},
        {% endfor -%}
        collapsed_duplicates
    from checked_contacts
    where quarantine_reason is not null
)

select * from quarantined
