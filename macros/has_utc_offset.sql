{% macro has_utc_offset(column) -%}
    {{ return(adapter.dispatch('has_utc_offset', 'segments')(column)) }}
{%- endmacro %}

{#- True when an ISO 8601 timestamp text ends with a UTC offset ('Z', '+02:00', '-0500', '+02'):
    it names an instant. Without one it is a wall-clock time, read in var segments_source_time_zone,
    never in the database connection's zone. -#}
{% macro default__has_utc_offset(column) -%}
    trim({{ column }}) ~ '{{ segments.utc_offset_pattern() }}'
{%- endmacro %}

{% macro duckdb__has_utc_offset(column) -%}
    regexp_matches(trim({{ column }}), '{{ segments.utc_offset_pattern() }}')
{%- endmacro %}

{% macro spark__has_utc_offset(column) -%}
    trim({{ column }}) rlike '{{ segments.utc_offset_pattern() }}'
{%- endmacro %}
