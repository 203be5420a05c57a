{%- set raw_columns = segments.raw_contract_columns('orders') -%}
{%- set raw_columns_as_delivered = [] -%}
{%- for column in raw_columns -%}{%- do raw_columns_as_delivered.append('raw_' ~ column) -%}{%- endfor -%}

with

checked_order_lines as (
    select * from {{ ref('stg_order_lines__checked') }}
),

quarantined as (
    select
        {{ segments.row_fingerprint(raw_columns_as_delivered) }} as quarantine_row_id,
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
