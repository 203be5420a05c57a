{#- Whether BG/NBD parameters stand for the limit a, b -> infinity with a / (a + b) = p, in which
    every customer drops out with the same probability p: a + b of 1e6 or more (999,999: a and b
    are rounded doubles). The fit returns that limit (bgnbd_fit_status homogeneous_dropout) as
    a = 1e6 p, b = 1e6 (1 - p), because the Gauss series of the general formula needs more terms
    than can be summed for a that large. -#}
{% macro bgnbd_is_homogeneous_dropout(a, b) -%}
    ({{ a }} + {{ b }} >= 999999)
{%- endmacro %}
