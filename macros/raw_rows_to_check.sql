{% macro raw_rows_to_check(table_name, key_column, rechecked_relation) -%}
    {{ return(adapter.dispatch('raw_rows_to_check', 'segments')(table_name, key_column, rechecked_relation)) }}
{%- endmacro %}

{#- The raw rows a checked staging model reads, contract columns and load stamp (as loaded_at): every
    row on a full build; on an incremental run the rows without a key (always checked again) and
    those of the keys in rechecked_relation (see rechecked_keys). -#}
{% macro default__raw_rows_to_check(table_name, key_column, rechecked_relation) -%}
    select
        {%- for column in segments.raw_contract_columns(table_name) %}
        {{ column }},
        {%- endfor %}
        {{ segments.raw_loaded_at() }} as loaded_at
    from {{ source('raw', table_name) }}
    where
        {{ 'false' if is_incremental() else 'true' }}
        or {{ segments.clean_text(key_column) }} is null
        or {{ segments.clean_text(key_column) }} in (
            select {{ rechecked_relation }}.{{ key_column }} from {{ rechecked_relation }}
        )
{%- endmacro %}
