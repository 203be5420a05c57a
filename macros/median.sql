{#- The median as an aggregate, interpolated between the two middle values (percentile_cont 0.5),
    which DuckDB, Postgres and Spark all accept; `median()` itself is missing on Postgres. -#}
{% macro median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}
