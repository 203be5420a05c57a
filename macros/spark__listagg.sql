{#- dbt.listagg on Spark with its order honoured. dbt-spark 1.11 drops the order_by_clause (with
    a warning) and joins collect_list in whatever order the rows arrive, so the text would differ
    from run to run and from every other engine. Spark 4 has the standard ordered aggregate.
    Found before dbt-spark's through `dispatch:` in dbt_project.yml. -#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if limit_num -%}
        {{ exceptions.raise_compiler_error("listagg: limit_num is not supported on Spark by this project") }}
    {%- endif -%}
    {%- if order_by_clause -%}
        listagg({{ measure }}, {{ delimiter_text }}) within group ({{ order_by_clause }})
    {%- else -%}
        array_join(collect_list({{ measure }}), {{ delimiter_text }})
    {%- endif -%}
{%- endmacro %}
