{#- Gamma-Gamma expected value of a customer's future orders (Fader, Hardie & Lee 2005, "RFM and
    CLV", eq. 5): (gamma + m x) p / (p x + q - 1) for a customer with x repeat purchases of mean
    value m; the population mean p gamma / (q - 1) for one-time buyers. NULL when q <= 1 (the
    mean does not exist). -#}
{% macro gamma_gamma_expected_value(x, mean_value, p, q, gamma) -%}
    case
        when {{ q }} <= 1 then null
        when {{ x }} > 0
            then ({{ gamma }} + {{ mean_value }} * {{ x }}) * {{ p }} / ({{ p }} * {{ x }} + {{ q }} - 1)
        else {{ p }} * {{ gamma }} / ({{ q }} - 1)
    end
{%- endmacro %}
