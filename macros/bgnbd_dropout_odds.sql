{% macro bgnbd_dropout_odds(x, t_x, big_t, r, alpha, a, b) -%}
    {{ return(adapter.dispatch('bgnbd_dropout_odds', 'segments')(x, t_x, big_t, r, alpha, a, b)) }}
{%- endmacro %}

{#- The odds that a BG/NBD customer has dropped out: [x > 0] a / (b + x - 1)
    ((alpha + T) / (alpha + t_x))^(r + x). P(alive) = 1 / (1 + odds); the expected-purchases
    formula divides by the same 1 + odds. -#}
{% macro default__bgnbd_dropout_odds(x, t_x, big_t, r, alpha, a, b) -%}
    case
        when {{ x }} > 0
            then {{ a }} / ({{ b }} + {{ x }} - 1)
                * power(({{ alpha }} + {{ big_t }}) / ({{ alpha }} + {{ t_x }}), {{ r }} + {{ x }})
        else 0.0
    end
{%- endmacro %}
