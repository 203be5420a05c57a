{#- The reference date of every segment, as a SQL date literal. The var `segments_as_of_date` (YYYY-MM-DD)
    pins it; unset, it is the UTC date the dbt invocation started, the same for every model of a run.
    Models never call current_date, so any past date can be rebuilt exactly. -#}
{% macro as_of_date() -%}
    {%- set configured = var('segments_as_of_date', none) -%}
    {%- if configured is none or configured | string | trim == '' -%}
        {%- set iso_date = run_started_at.strftime('%Y-%m-%d') -%}
    {%- else -%}
        {%- set iso_date = configured | string | trim -%}
        {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', iso_date) -%}
            {{ exceptions.raise_compiler_error(
                "var as_of_date must be a date written YYYY-MM-DD, got '" ~ iso_date ~ "'") }}
        {%- endif -%}
        {%- do modules.datetime.datetime.strptime(iso_date, '%Y-%m-%d') -%}
    {%- endif -%}
    cast('{{ iso_date }}' as date)
{%- endmacro %}
