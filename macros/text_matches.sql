{% macro text_matches(column, pattern) -%}
    {{ return(adapter.dispatch('text_matches', 'segments')(column, pattern)) }}
{%- endmacro %}

{#- True when the text, trimmed, matches a regular expression (POSIX and Java alike), on every
    engine: the one form of the shape checks is_iso_timestamp and has_utc_offset. POSIX match. -#}
{% macro default__text_matches(column, pattern) -%}
    trim({{ column }}) ~ '{{ pattern }}'
{%- endmacro %}

{% macro duckdb__text_matches(column, pattern) -%}
    regexp_matches(trim({{ column }}), '{{ pattern }}')
{%- endmacro %}

{% macro spark__text_matches(column, pattern) -%}
    trim({{ column }}) rlike '{{ pattern }}'
{%- endmacro %}
