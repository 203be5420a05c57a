{%- set raw_columns = segments.raw_contract_columns('orders') -%}

with

checked_order_lines as (
    select * from {{ ref('stg_order_lines__checked') }}
),

quarantined as (
    select
        raw_row_id as quarantine_row_id,
        'orders' as source_table,
        {{ dbt.concat(["coalesce(raw_order_id, '')", "'#'", "coalesce(raw_line_number, '')"]) }} as record_key,
        quarantine_reason,
        {% for column in raw_columns -%}
            raw_{{ column }} as {{ column }},
        {% endfor -%}
        collapsed_duplicates
    from checked_order_lines
    where quarantine_reason is not null
)

select * from quarantined
