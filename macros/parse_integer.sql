{#- Text -> bigint; NULL when the text is not a whole number within the bigint range. '2.5' is
    NULL, not silently rounded to 3 as a plain cast to an integer type would do on some engines;
    '3.0' is 3; '9223372036854775808' is NULL, not an overflow error. -#}
{% macro parse_integer(column) -%}
    case
        when
            {{ segments.parse_number(column) }} = floor({{ segments.parse_number(column) }})
            and {{ segments.parse_number(column) }} between -9223372036854775808 and 9223372036854775807
            then cast({{ segments.parse_number(column) }} as {{ dbt.type_bigint() }})
    end
{%- endmacro %}
