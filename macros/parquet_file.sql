{% macro parquet_file(path) -%}
    {{ return(adapter.dispatch('parquet_file', 'segments')(path)) }}
{%- endmacro %}

{#- A from-clause item that reads one Parquet file in place. Engines without such a reader (a
    server warehouse such as PostgreSQL) load raw tables instead (`segments load`). -#}
{% macro default__parquet_file(path) -%}
    {{ exceptions.raise_compiler_error(
        "var segments_raw_parquet_dir: target type '" ~ target.type ~ "' cannot read Parquet files in place; "
        ~ "load the raw tables with `segments load --target " ~ target.name ~ "` and leave segments_raw_parquet_dir empty") }}
{%- endmacro %}

{% macro duckdb__parquet_file(path) -%}
    read_parquet('{{ path }}')
{%- endmacro %}

{% macro spark__parquet_file(path) -%}
    parquet.`{{ path }}`
{%- endmacro %}
