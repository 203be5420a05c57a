{#- The weight of E[purchases by the end of CLV period `period`] in the discounted sum
    sum_i (E[Y(i)] - E[Y(i - 1)]) / (1 + d)^i = sum_i E[Y(i)] (w(i) - w(i + 1)), w(i) = (1 + d)^-i,
    w(periods + 1) = 0; d from clv_period_discount_rate(). -#}
{% macro clv_period_weight(period, periods) -%}
    {%- set rate = segments.clv_period_discount_rate() -%}
    (1.0 / power(1.0 + {{ rate }}, {{ period }})
    {%- if period < periods %} - 1.0 / power(1.0 + {{ rate }}, {{ period + 1 }}){% endif %})
{%- endmacro %}
