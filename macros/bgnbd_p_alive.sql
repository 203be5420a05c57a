{#- BG/NBD probability that a customer with x repeat purchases, the last t_x days after the first,
    observed for big_t days, is still active: 1 / (1 + [x > 0] a / (b + x - 1)
    ((alpha + T) / (alpha + t_x))^(r + x)) (Fader, Hardie & Lee 2005, eq. 13). 1 for x = 0: the
    model lets customers drop out only right after a repeat purchase. All arguments are SQL
    expressions; the parameters are doubles. -#}
{% macro bgnbd_p_alive(x, t_x, big_t, r, alpha, a, b) -%}
    1.0 / (1.0 + {{ segments.bgnbd_dropout_odds(x, t_x, big_t, r, alpha, a, b) }})
{%- endmacro %}
