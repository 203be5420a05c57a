{#- A raw key column as the staged key is compared: its text (raw_value_as_text, so an integer key
    works too), trimmed, NULL when blank. -#}
{% macro raw_key(table_name, key_column) -%}
    {{ segments.clean_text(segments.raw_value_as_text(key_column, segments.raw_column_kinds(table_name).get(key_column))) }}
{%- endmacro %}
