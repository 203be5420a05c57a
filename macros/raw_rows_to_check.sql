{% macro raw_rows_to_check(table_name, key_column, contact_reason_column, contacts_relation, rules_relation) -%}
    {{ return(adapter.dispatch('raw_rows_to_check', 'segments')(table_name, key_column, contact_reason_column, contacts_relation, rules_relation)) }}
{%- endmacro %}

{#- The raw rows a checked staging model reads, contract columns and load stamp (as loaded_at): every
    row on a full build (no filter at all, so the scan stays a plain scan); on an incremental run the
    rows without a key (always checked again) and every row of the keys that rechecked_keys names
    (the other arguments are its). -#}
{% macro default__raw_rows_to_check(table_name, key_column, contact_reason_column, contacts_relation, rules_relation) -%}
    select
        {%- for column in segments.raw_contract_columns(table_name) %}
        {{ column }},
        {%- endfor %}
        {{ segments.raw_loaded_at() }} as loaded_at
    from {{ source('raw', table_name) }}
    {%- if is_incremental() %}
    where
        {{ segments.clean_text(key_column) }} is null
        or {{ segments.clean_text(key_column) }} in (
            {{ segments.rechecked_keys(source('raw', table_name), key_column, contact_reason_column, contacts_relation, rules_relation) | indent(8) }}
        )
    {%- endif %}
{%- endmacro %}
