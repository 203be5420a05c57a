{% macro utc_time_text(utc, part) -%}
    {{ return(adapter.dispatch('utc_time_text', 'segments')(utc, part)) }}
{%- endmacro %}

{#- A UTC timestamp's 'seconds' part as text ('2024-03-05T12:22:10') or its 'microseconds' part as
    six digits ('000000' when it has no fraction). PostgreSQL. -#}
{% macro default__utc_time_text(utc, part) -%}
    to_char({{ utc }}, '{{ {"seconds": "YYYY-MM-DD\"T\"HH24:MI:SS", "microseconds": "US"}[part] }}')
{%- endmacro %}

{% macro duckdb__utc_time_text(utc, part) -%}
    strftime({{ utc }}, '{{ {"seconds": "%Y-%m-%dT%H:%M:%S", "microseconds": "%f"}[part] }}')
{%- endmacro %}

{% macro spark__utc_time_text(utc, part) -%}
    date_format({{ utc }}, "{{ {'seconds': "yyyy-MM-dd'T'HH:mm:ss", 'microseconds': 'SSSSSS'}[part] }}")
{%- endmacro %}
