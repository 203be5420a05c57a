{#- dbt's default__safe_cast is a plain cast on DuckDB and Postgres: one bad value fails the whole
    model. These overrides (found first through `dispatch:` in dbt_project.yml) return NULL instead,
    so staging can quarantine the row with a reason. -#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

{#- Spark has try_cast, but dbt-spark turns ANSI mode off, where a plain cast is as lenient. -#}
{% macro spark__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

{#- PostgreSQL 15 has no try_cast: numbers and timestamps go through the functions that the
    on-run-start hook create_safe_cast_functions installs (NULL on any value that does not parse);
    text types never fail; any other type is a plain cast. -#}
{% macro postgres__safe_cast(field, type) -%}
    {%- set kind = type | lower | trim -%}
    {%- set schema = adapter.quote(target.schema) -%}
    {%- if kind.startswith('timestamp') -%}
        cast({{ schema }}.segments_try_timestamptz(cast({{ field }} as text)) as {{ type }})
    {%- elif kind.startswith('numeric') or kind.startswith('decimal') or kind in ['integer', 'int', 'bigint', 'smallint'] -%}
        cast({{ schema }}.segments_try_numeric(cast({{ field }} as text)) as {{ type }})
    {%- else -%}
        cast({{ field }} as {{ type }})
    {%- endif -%}
{%- endmacro %}
