{#- A regular expression (POSIX and Java alike) for the timestamps the raw contract accepts (ISO 8601: a date, an
    optional time with optional seconds and fraction, an optional Z or +hh[:mm] offset), to match
    against the trimmed text. Engines whose timestamp cast is more lenient than DuckDB's guard the
    cast with it. Written without backslashes, which string literals treat differently by engine. -#}
{% macro iso_timestamp_pattern() -%}
    {{ return("^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?[ ]?(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)?$") }}
{%- endmacro %}
