{#- numerator / denominator as a double; NULL when the denominator is 0 or NULL. Both sides are
    cast before dividing, so the result is the correctly rounded quotient of the exact inputs:
    bit-identical on every engine (DuckDB, PostgreSQL and Spark otherwise return a double, an
    unbounded numeric and a decimal rounded to a few places, and integer / integer truncates on
    PostgreSQL). Sum exact amounts first, then take the ratio. -#}
{% macro ratio(numerator, denominator) -%}
    cast({{ numerator }} as {{ segments.type_double() }}) / nullif(cast({{ denominator }} as {{ segments.type_double() }}), 0)
{%- endmacro %}
