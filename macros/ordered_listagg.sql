{% macro ordered_listagg(measure, delimiter_text, order_by_clause) -%}
    {{ return(adapter.dispatch('ordered_listagg', 'segments')(measure, delimiter_text, order_by_clause)) }}
{%- endmacro %}

{#- dbt.listagg, whose order is honoured on every engine. -#}
{% macro default__ordered_listagg(measure, delimiter_text, order_by_clause) -%}
    {{ dbt.listagg(measure, delimiter_text, order_by_clause) }}
{%- endmacro %}

{#- dbt-spark 1.11 drops the order_by_clause (with a warning) and joins collect_list in whatever
    order the rows arrive, so the text would differ from run to run and from every other engine.
    Spark 4 has the standard ordered aggregate. -#}
{% macro spark__ordered_listagg(measure, delimiter_text, order_by_clause) -%}
    listagg({{ measure }}, {{ delimiter_text }}) within group ({{ order_by_clause }})
{%- endmacro %}
