{% macro parse_integer(column) -%}
    {{ return(adapter.dispatch('parse_integer', 'segments')(column)) }}
{%- endmacro %}

{#- Text -> bigint; NULL when the text is not a whole number. '2.5' is NULL, not silently rounded
    to 3 as a plain cast to an integer type would do on some engines; '3.0' is 3. -#}
{% macro default__parse_integer(column) -%}
    case
        when {{ segments.parse_number(column) }} = floor({{ segments.parse_number(column) }})
            then cast({{ segments.parse_number(column) }} as {{ dbt.type_bigint() }})
    end
{%- endmacro %}
