{#- The odds that a BG/NBD customer has dropped out: [x > 0] a / (b + x - 1)
    ((alpha + T) / (alpha + t_x))^(r + x). P(alive) = 1 / (1 + odds); the expected-purchases
    formula divides by the same 1 + odds. Computed as exp of its logarithm, kept within +-300: the
    power overflows a double for a customer of a few hundred purchase days (PostgreSQL then raises
    an error, DuckDB returns inf), odds of e^300 already make P(alive) 0 to any printed digit, and
    P(alive) times another factor of at least e^-300 stays above the smallest double (PostgreSQL
    raises an underflow error where a product rounds to 0). -#}
{% macro bgnbd_dropout_odds(x, t_x, big_t, r, alpha, a, b) -%}
    case
        when {{ x }} > 0
            then exp(least(300.0, greatest(-300.0,
                ln({{ a }}) - ln({{ b }} + {{ x }} - 1)
                + ({{ r }} + {{ x }}) * ln(({{ alpha }} + {{ big_t }}) / ({{ alpha }} + {{ t_x }}))
            )))
        else 0.0
    end
{%- endmacro %}
