{#- The model has exactly one row per combination of the rows of the given models (e.g. one cell
    per client group x need x technology). Returns the two counts when they differ. -#}
{% test row_count_equals_cross_product(model, models) %}

with

model_rows as (
    select count(*) as row_count from {{ model }}
),

{% for other in models %}
factor_{{ loop.index }} as (
    select count(*) as row_count from {{ other }}
),
{% endfor %}

expected as (
    select
        {%- for other in models %}
        factor_{{ loop.index }}.row_count{{ ' *' if not loop.last }}
        {%- endfor %} as row_count
    from factor_1
    {%- for other in models[1:] %}
    cross join factor_{{ loop.index + 1 }}
    {%- endfor %}
)

select
    model_rows.row_count as actual_rows,
    expected.row_count as expected_rows
from model_rows
cross join expected
where model_rows.row_count != expected.row_count

{% endtest %}
