{% macro clean_text(column) -%}
    {{ return(adapter.dispatch('clean_text', 'segments')(column)) }}
{%- endmacro %}

{#- Trimmed text, with an empty or blank value turned into NULL. -#}
{% macro default__clean_text(column) -%}
    nullif(trim({{ column }}), '')
{%- endmacro %}
