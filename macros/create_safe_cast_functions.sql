{% macro create_safe_cast_functions() -%}
    {{ return(adapter.dispatch('create_safe_cast_functions', 'segments')()) }}
{%- endmacro %}

{#- An on-run-start hook: the helper functions an engine needs for dbt.safe_cast. Engines with a
    native try_cast need none. -#}
{% macro default__create_safe_cast_functions() -%}
{%- endmacro %}

{#- PostgreSQL 15: segments_try_numeric(text) and segments_try_timestamptz(text) in the target
    schema return NULL instead of raising. Both first check the value's shape, so that inputs
    PostgreSQL alone would accept ('NaN', 'now', 'infinity', 'March 5 2024') give NULL as on DuckDB. -#}
{% macro postgres__create_safe_cast_functions() -%}
    {%- set schema = adapter.quote(target.schema) -%}
    {%- if execute -%}
        {%- do run_query('create schema if not exists ' ~ schema) -%}
        {%- do run_query("
            create or replace function " ~ schema ~ ".segments_try_numeric(value text) returns numeric
            language plpgsql immutable parallel safe as $body$
            begin
                if trim(value) !~ '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?$' then
                    return null;
                end if;
                return cast(value as numeric);
            exception when others then
                return null;
            end
            $body$") -%}
        {%- do run_query("
            create or replace function " ~ schema ~ ".segments_try_timestamptz(value text) returns timestamptz
            language plpgsql stable parallel safe as $body$
            begin
                if trim(value) !~ '" ~ segments.iso_timestamp_pattern() ~ "' then
                    return null;
                end if;
                return cast(value as timestamptz);
            exception when others then
                return null;
            end
            $body$") -%}
    {%- endif -%}
{%- endmacro %}
