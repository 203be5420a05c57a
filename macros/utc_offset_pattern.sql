{#- A regular expression (POSIX and Java alike): an ISO 8601 date, then anything, then a UTC offset. -#}
{% macro utc_offset_pattern() -%}
    {{ return("^[0-9]{4}-[0-9]{2}-[0-9]{2}.*([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)$") }}
{%- endmacro %}
