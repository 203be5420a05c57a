{#- True when an ISO 8601 timestamp text ends with a UTC offset ('Z', '+02:00', '-0500', '+02'):
    it names an instant. Without one it is a wall-clock time, read in var segments_source_time_zone,
    never in the database connection's zone. -#}
{% macro has_utc_offset(column) -%}
    {{ segments.text_matches(column, segments.utc_offset_pattern()) }}
{%- endmacro %}
