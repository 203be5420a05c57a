{#- Whole calendar days from start_date to end_date (positive when end is later). Both arguments
    are dates: cast a timestamp to a date first, so 23:59 -> 00:01 the next day counts 1 day. -#}
{% macro days_between(start_date, end_date) -%}
    {{ dbt.datediff(start_date, end_date, 'day') }}
{%- endmacro %}
