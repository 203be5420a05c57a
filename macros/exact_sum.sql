{#- The sum of a double column computed in decimal, returned as a double. A floating-point sum
    depends on the order rows arrive in, which parallel engines do not fix; a decimal sum does
    not, so the total is the same bit for bit on every run and engine. `scale` is the number of
    decimals kept: at least the decimals the value was rounded to (round_double). -#}
{% macro exact_sum(value, scale) -%}
    cast(sum(cast({{ value }} as decimal(38, {{ scale }}))) as {{ segments.type_double() }})
{%- endmacro %}
