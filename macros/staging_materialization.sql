{#- How the big checked staging models are kept: 'incremental' where the raw tables carry a load
    stamp (var segments_raw_loaded_at_column, raw tables rather than files read in place: var
    segments_raw_parquet_dir empty) and the engine's delete+insert has been tested (DuckDB, PostgreSQL);
    'table' (rebuilt every run) everywhere else. -#}
{% macro staging_materialization() -%}
    {%- set tested_engines = ['duckdb', 'postgres'] -%}
    {%- if var('segments_raw_loaded_at_column') and not var('segments_raw_parquet_dir', '') and target.type in tested_engines -%}
        {{ return('incremental') }}
    {%- endif -%}
    {{ return('table') }}
{%- endmacro %}
