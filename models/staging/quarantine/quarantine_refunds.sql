{%- set raw_columns = segments.raw_contract_columns('refunds') -%}

with

checked_refunds as (
    select * from {{ ref('stg_refunds__checked') }}
),

quarantined as (
    select
        raw_row_id as quarantine_row_id,
        'refunds' as source_table,
        raw_refund_id as record_key,
        quarantine_reason,
        {% for column in raw_columns -%}
            raw_{{ column }} as {{ column }},
        {% endfor -%}
        collapsed_duplicates
    from checked_refunds
    where quarantine_reason is not null
)

select * from quarantined
