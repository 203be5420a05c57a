{#- dbt's default__safe_cast is a plain cast on DuckDB and Postgres: one bad value fails the whole
    model. These overrides (found first through `dispatch:` in dbt_project.yml) return NULL instead,
    so staging can quarantine the row with a reason. -#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
