{#- No row with a strictly better metric has a lower score. direction='asc': a larger metric is
    better (frequency, monetary); 'desc': a smaller metric is better (recency_days). Returns each
    pair of scores whose metric ranges cross: the lower score reaching a value as good as or better
    than the higher score's worst. -#}
{% test scores_are_monotonic(model, column_name, metric, direction='asc') %}

with

score_ranges as (
    select
        {{ column_name }} as score,
        min({{ metric }}) as min_metric,
        max({{ metric }}) as max_metric
    from {{ model }}
    where {{ column_name }} is not null
    group by {{ column_name }}
),

crossings as (
    select
        lower_score.score as lower_score,
        higher_score.score as higher_score,
        lower_score.min_metric as lower_score_min,
        lower_score.max_metric as lower_score_max,
        higher_score.min_metric as higher_score_min,
        higher_score.max_metric as higher_score_max
    from score_ranges as lower_score
    inner join score_ranges as higher_score
        on lower_score.score < higher_score.score
    where
        {%- if direction == 'asc' %}
        lower_score.max_metric >= higher_score.min_metric
        {%- else %}
        lower_score.min_metric <= higher_score.max_metric
        {%- endif %}
)

select * from crossings

{% endtest %}
