{#- A query returning the integers 1..bins in one column: every possible score, including the ones
    no row got. Plain `select ... union all`, so it runs on every engine. -#}
{% macro score_series(bins=none, column_name='score') -%}
    {%- set k = bins if bins is not none else var('segments_rfm_bins') -%}
    {%- for score in range(1, k + 1) %}
    select {{ score }} as {{ column_name }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
