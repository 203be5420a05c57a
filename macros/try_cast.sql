{% macro try_cast(field, type) -%}
    {{ return(adapter.dispatch('try_cast', 'segments')(field, type)) }}
{%- endmacro %}

{#- A cast that returns NULL on a value that does not convert, so staging can quarantine the row
    with a reason. The project's own macro, not an override of dbt.safe_cast: dbt reads `dispatch:`
    only from the root project, so an override would be lost when this project is a package. -#}

{#- Snowflake (try_cast), BigQuery (safe_cast) and other engines whose dbt.safe_cast is safe. -#}
{% macro default__try_cast(field, type) -%}
    {{ dbt.safe_cast(field, type) }}
{%- endmacro %}

{% macro duckdb__try_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

{#- Spark has try_cast, but dbt-spark turns ANSI mode off, where a plain cast is as lenient. -#}
{% macro spark__try_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

{#- PostgreSQL 15 has no try_cast: numbers and timestamps go through the functions that the
    on-run-start hook create_safe_cast_functions installs (NULL on any value that does not parse);
    text types never fail; any other type is a plain cast. -#}
{% macro postgres__try_cast(field, type) -%}
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
