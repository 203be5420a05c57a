{#- True when the text, trimmed, has the shape of an ISO 8601 timestamp the raw contract accepts
    (iso_timestamp_pattern): the one shape check every variant of parse_timestamp_utc applies
    before its engine's cast, which alone would accept 'epoch', 'infinity', '2024-3-5',
    '2024-01-01 (BC)', '10000-01-01' or a zone name on one engine or another. -#}
{% macro is_iso_timestamp(column) -%}
    {{ segments.text_matches(column, segments.iso_timestamp_pattern()) }}
{%- endmacro %}
