{#- The discount rate of one CLV period: (1 + annual rate)^(period days / 365) - 1, as a SQL
    expression. Defaults: vars segments_clv_annual_discount_rate and segments_clv_period_days. -#}
{% macro clv_period_discount_rate(annual_rate=none, period_days=none) -%}
    {%- set rate = annual_rate if annual_rate is not none else var('segments_clv_annual_discount_rate') -%}
    {%- set days = period_days if period_days is not none else var('segments_clv_period_days') -%}
    (power(cast({{ 1 + rate }} as {{ segments.type_double() }}), {{ segments.ratio(days, 365) }}) - 1.0)
{%- endmacro %}
