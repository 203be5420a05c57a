{#- The loaded_at_query of `dbt source freshness` for the raw table being checked (rendered when it
    runs, with `model` the source and `this` its relation): the newest load stamp (var
    segments_raw_loaded_at_column). A table without that column has no known load time: the query returns
    NULL, which dbt takes as infinitely old (a warning, or an error when
    segments_raw_freshness_error_after_hours is set), and the log names the missing column; never a
    database error. -#}
{% macro raw_loaded_at_query() -%}
    {%- set column = var('segments_raw_loaded_at_column') -%}
    {%- if column and (column | lower) in segments.raw_column_kinds(model.name) -%}
        select max({{ adapter.quote(column) }}) from {{ this }}
    {%- else -%}
        {%- do log("source freshness: " ~ this ~ " has no load-stamp column " ~ (column or "(var segments_raw_loaded_at_column is empty)")
            ~ ": its load time is unknown", info=True) -%}
        select cast(null as {{ dbt.type_timestamp() }})
    {%- endif -%}
{%- endmacro %}
