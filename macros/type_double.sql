{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'segments')()) }}
{%- endmacro %}

{#- The 64-bit floating-point type. Not dbt.type_float(): that is 32-bit FLOAT on DuckDB but
    64-bit on PostgreSQL, so shares computed with it would differ between engines. -#}
{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}
