{#- BG/NBD expected purchases in the next `horizon` days (Fader, Hardie & Lee 2005, eq. 10):
    (a + b + x - 1) / (a - 1) [1 - ((alpha + T) / (alpha + T + t))^(r + x)
    2F1(r + x, b + x; a + b + x - 1; z)] / (1 + odds), with z = t / (alpha + T + t).
    By Euler's transformation, ((alpha + T) / (alpha + T + t))^(r + x) 2F1(r + x, b + x; a + b + x - 1; z)
    = (1 - z)^(a - 1) 2F1(a + b - 1 - r, a - 1; a + b + x - 1; z): `series` is that second
    hypergeometric value (model int_bgnbd_series), whose terms stay small however large x is; the
    product is taken as exp of the sum of logarithms, kept within e^+-700.
    In the homogeneous-dropout limit (bgnbd_is_homogeneous_dropout: a + b >= 1e6, p = a / (a + b))
    the formula becomes (1 / p) [1 - ((alpha + T) / (alpha + T + p t))^(r + x)] / (1 + odds),
    which needs no series. -#}
{% macro bgnbd_expected_purchases(x, t_x, big_t, horizon, series, r, alpha, a, b) -%}
    case
        when {{ segments.bgnbd_is_homogeneous_dropout(a, b) }}
            then ({{ a }} + {{ b }}) / {{ a }}
                * (1.0 - exp(greatest(-700.0, ({{ r }} + {{ x }}) * ln(({{ alpha }} + {{ big_t }})
                    / ({{ alpha }} + {{ big_t }} + {{ a }} / ({{ a }} + {{ b }}) * {{ horizon }})))))
        when {{ series }} > 0
            then ({{ a }} + {{ b }} + {{ x }} - 1) / nullif({{ a }} - 1, 0)
                * (1.0 - exp(least(700.0, greatest(-700.0, ({{ a }} - 1)
                    * ln(({{ alpha }} + {{ big_t }}) / ({{ alpha }} + {{ big_t }} + {{ horizon }}))
                    + ln({{ series }})))))
    end
    / (1.0 + {{ segments.bgnbd_dropout_odds(x, t_x, big_t, r, alpha, a, b) }})
{%- endmacro %}
