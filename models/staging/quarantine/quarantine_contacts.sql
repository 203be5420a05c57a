{%- set raw_columns = segments.raw_contract_columns('contacts') -%}

with

checked_contacts as (
    select * from {{ ref('stg_contacts__checked') }}
),

quarantined as (
    select
        raw_row_id as quarantine_row_id,
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
