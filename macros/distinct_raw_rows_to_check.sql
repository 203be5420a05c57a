{#- The raw rows an incremental checked model reads (raw_rows_to_check, whose arguments these are),
    exact duplicates collapsed into one with the extra copies counted in collapsed_duplicates
    (never lost) and the latest load stamp kept as loaded_at. -#}
{% macro distinct_raw_rows_to_check(table_name, key_column, rules_relation) -%}
    {%- set source -%}
        (
        {{ segments.raw_rows_to_check(table_name, key_column, rules_relation) }}
        ) as source
    {%- endset -%}
    {{ segments.collapse_exact_duplicates(source, segments.raw_contract_columns(table_name), ['loaded_at']) }}
{%- endmacro %}
