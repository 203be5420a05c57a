{% macro raw_loaded_at() -%}
    {{ return(adapter.dispatch('raw_loaded_at', 'segments')()) }}
{%- endmacro %}

{#- The load stamp of a raw row: the column named by var raw_loaded_at_column (`segments load`
    writes _loaded_at) where the checked staging models are incremental, else a NULL timestamp
    (raw files read in place, other engines: the column is not read). -#}
{% macro default__raw_loaded_at() -%}
    {%- if segments.staging_materialization() == 'incremental' -%}
        {{ adapter.quote(var('raw_loaded_at_column')) }}
    {%- else -%}
        cast(null as {{ dbt.type_timestamp() }})
    {%- endif -%}
{%- endmacro %}
