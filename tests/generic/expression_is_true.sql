{#- Every row satisfies a boolean SQL expression (e.g. `net_amount <= gross_amount`); rows where
    the expression is false or null are returned. An optional `where` config narrows the rows. -#}
{% test expression_is_true(model, expression) %}

select *
from {{ model }}
where not coalesce({{ expression }}, false)

{% endtest %}
