{#- BG/NBD probability of no purchase in the next `horizon` days: (1 - P(alive)) + P(alive)
    ((alpha + T) / (alpha + T + t))^(r + x). A BG/NBD customer drops out only right after a
    purchase, so one alive at T stays alive until the next purchase, which follows the posterior
    Poisson-gamma rate. For a one-time buyer P(alive) = 1 and this is ((alpha + T) / (alpha + T + t))^r:
    a real probability that grows with the days since the first order, not the degenerate "alive".
    The power is taken as exp of its logarithm, floored at e^-300, so that its product with
    P(alive) (at least e^-300, macro bgnbd_dropout_odds) cannot underflow: PostgreSQL raises an
    error where a product rounds to 0. -#}
{% macro bgnbd_p_no_purchase(x, t_x, big_t, horizon, r, alpha, a, b) -%}
    {%- set p_alive = segments.bgnbd_p_alive(x, t_x, big_t, r, alpha, a, b) -%}
    (1.0 - {{ p_alive }})
    + {{ p_alive }} * exp(greatest(-300.0,
        ({{ r }} + {{ x }}) * ln(({{ alpha }} + {{ big_t }}) / ({{ alpha }} + {{ big_t }} + {{ horizon }}))))
{%- endmacro %}
