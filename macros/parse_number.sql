{#- Text -> exact decimal (no rounding of the scale a file delivers up to 6 places); NULL when the
    text is not a number. -#}
{% macro parse_number(column) -%}
    {{ segments.try_cast('trim(' ~ column ~ ')', 'numeric(28, 6)') }}
{%- endmacro %}
