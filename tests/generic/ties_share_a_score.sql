{#- Rows with the same metric value have the same score. Returns each metric value carried by more
    than one score. -#}
{% test ties_share_a_score(model, column_name, metric) %}

with

scores_per_value as (
    select
        {{ metric }} as metric_value,
        min({{ column_name }}) as lowest_score,
        max({{ column_name }}) as highest_score
    from {{ model }}
    group by {{ metric }}
)

select * from scores_per_value
where lowest_score != highest_score

{% endtest %}
