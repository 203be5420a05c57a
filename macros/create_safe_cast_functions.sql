{% macro create_safe_cast_functions() -%}
    {{ return(adapter.dispatch('create_safe_cast_functions', 'segments')()) }}
{%- endmacro %}

{#- An on-run-start hook: the helper functions an engine needs for segments.try_cast. Engines with a
    native try_cast need none. -#}
{% macro default__create_safe_cast_functions() -%}
{%- endmacro %}

{#- PostgreSQL 15: segments_try_numeric(text) and segments_try_timestamptz(text) in the target
    schema return NULL instead of raising. Both first check the value's shape, so that inputs
    PostgreSQL alone would accept ('NaN', 'now', 'infinity', 'March 5 2024') give NULL as on DuckDB. -#}
{% macro postgres__create_safe_cast_functions() -%}
    {%- set schema = adapter.quote(target.schema) -%}
    {%- set functions = [
        {'name': 'segments_try_numeric', 'type': 'numeric', 'volatility': 'immutable',
         'pattern': '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?$'},
        {'name': 'segments_try_timestamptz', 'type': 'timestamptz', 'volatility': 'stable',
         'pattern': segments.iso_timestamp_pattern()},
    ] -%}
    {%- if execute -%}
        {%- do run_query('create schema if not exists ' ~ schema) -%}
        {%- for function in functions -%}
            {%- do run_query("
                create or replace function " ~ schema ~ "." ~ function.name ~ "(value text)
                returns " ~ function.type ~ "
                language plpgsql " ~ function.volatility ~ " parallel safe as $body$
                begin
                    if trim(value) !~ '" ~ function.pattern ~ "' then
                        return null;
                    end if;
                    return cast(value as " ~ function.type ~ ");
                exception when others then
                    return null;
                end
                $body$") -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
