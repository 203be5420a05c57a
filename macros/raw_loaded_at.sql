{#- The load stamp of a raw row: the column named by var segments_raw_loaded_at_column (`segments load`
    writes _loaded_at, Fivetran _fivetran_synced, Airbyte _airbyte_extracted_at) where the checked
    staging models are incremental and the raw table has that column; else a NULL timestamp (raw
    files read in place, other engines, a loader without that column: the models are then rebuilt
    in full). -#}
{% macro raw_loaded_at(table_name) -%}
    {%- set column = var('segments_raw_loaded_at_column') -%}
    {%- if segments.staging_materialization() == 'incremental' and column
        and (column | lower) in segments.raw_column_kinds(table_name) -%}
        {{ adapter.quote(column) }}
    {%- else -%}
        cast(null as {{ dbt.type_timestamp() }})
    {%- endif -%}
{%- endmacro %}
