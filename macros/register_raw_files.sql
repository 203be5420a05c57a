{#- Point the raw sources at Parquet files read in place: (re)create the views
    <segments_raw_schema>.<table> (or their identifier vars) over <folder>/<table>.parquet for each
    raw table of the contract, every column as the file types it: text as `segments load` writes it,
    or typed as a loader or a lake writes it (staging reads either, column by column). An optional
    table (refunds) is registered when its file is there: `segments load --target spark` always
    writes one (empty without refunds); on DuckDB a folder without it is checked, elsewhere the
    file must exist. Runs as an on-run-start hook; does nothing when the folder (default: var
    segments_raw_parquet_dir) is empty. Returns no SQL: the statements run here, one at a time
    (Spark takes one per call). -#}
{% macro register_raw_files(folder=none) -%}
    {%- set directory = folder if folder is not none else var('segments_raw_parquet_dir', '') -%}
    {%- if execute and directory | trim != '' -%}
        {%- set segments_raw_schema = adapter.quote(var('segments_raw_schema', 'raw')) -%}
        {%- do run_query('create schema if not exists ' ~ segments_raw_schema) -%}
        {%- for table_name in var('segments_raw_contract').keys() -%}
            {%- set file_path = directory | trim ~ '/' ~ table_name ~ '.parquet' -%}
            {%- set optional = table_name in var('segments_raw_optional_tables', []) -%}
            {%- set present = not optional or target.type != 'duckdb'
                or run_query("select count(*) from glob('" ~ file_path ~ "')").columns[0].values()[0] > 0 -%}
            {%- if present -%}
                {%- do run_query(
                    'create or replace view ' ~ segments_raw_schema ~ '.'
                    ~ adapter.quote(var('segments_' ~ table_name ~ '_identifier', table_name))
                    ~ ' as select * from ' ~ segments.parquet_file(file_path)
                ) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
