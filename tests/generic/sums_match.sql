{#- The column's total equals another model's column total to the given number of decimals
    (2 = to the cent), optionally filtering the other model. Returns one row with both totals when
    they differ. -#}
{% test sums_match(model, column_name, compare_model, compare_column, compare_where=none, decimals=2) %}

with

model_total as (
    select coalesce(sum({{ column_name }}), 0) as total from {{ model }}
),

compare_total as (
    select coalesce(sum({{ compare_column }}), 0) as total
    from {{ compare_model }}
    {%- if compare_where %}
    where {{ compare_where }}
    {%- endif %}
)

select
    model_total.total as model_total,
    compare_total.total as compare_total
from model_total
cross join compare_total
where round(model_total.total, {{ decimals }}) != round(compare_total.total, {{ decimals }})

{% endtest %}
