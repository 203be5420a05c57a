{% macro is_iso_timestamp(column) -%}
    {{ return(adapter.dispatch('is_iso_timestamp', 'segments')(column)) }}
{%- endmacro %}

{#- True when the text, trimmed, has the shape of an ISO 8601 timestamp the raw contract accepts
    (iso_timestamp_pattern): the one shape check every variant of parse_timestamp_utc applies
    before its engine's cast, which alone would accept 'epoch', 'infinity', '2024-3-5',
    '2024-01-01 (BC)', '10000-01-01' or a zone name on one engine or another. POSIX match. -#}
{% macro default__is_iso_timestamp(column) -%}
    trim({{ column }}) ~ '{{ segments.iso_timestamp_pattern() }}'
{%- endmacro %}

{% macro duckdb__is_iso_timestamp(column) -%}
    regexp_matches(trim({{ column }}), '{{ segments.iso_timestamp_pattern() }}')
{%- endmacro %}

{% macro spark__is_iso_timestamp(column) -%}
    trim({{ column }}) rlike '{{ segments.iso_timestamp_pattern() }}'
{%- endmacro %}
