{#- Trimmed text, with an empty or blank value turned into NULL. -#}
{% macro clean_text(column) -%}
    nullif(trim({{ column }}), '')
{%- endmacro %}
