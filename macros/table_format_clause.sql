{% macro table_format_clause() -%}
    {{ return(adapter.dispatch('table_format_clause', 'segments')()) }}
{%- endmacro %}

{#- What follows the column list of a `create table` the project writes outside a model: nothing
    by default; on Spark the file format (a Hive text table otherwise). -#}
{% macro default__table_format_clause() -%}
{%- endmacro %}

{% macro spark__table_format_clause() -%}
    {{ ' using parquet' }}
{%- endmacro %}
