{#- For each dimension of a threshold seed (rfm_dimension, score, min_value inclusive, max_value
    exclusive, null = unbounded): scores 1..bins each appear once, the ranges neither overlap nor
    leave gaps, and the two ends are unbounded, so every metric value gets exactly one score.
    Returns the offending dimension and score with the problem. The number of scores is `bins`,
    else var segments_rfm_bins when the seed is in use (segments_rfm_scoring_method thresholds), else (a seed not in
    use, kept for another k) the highest score of each dimension. -#}
{% test score_thresholds_are_contiguous(model, bins=none) %}
{%- if bins is not none -%}
    {%- set k = bins -%}
{%- elif var('segments_rfm_scoring_method') == 'thresholds' -%}
    {%- set k = var('segments_rfm_bins') -%}
{%- else -%}
    {%- set k = none -%}
{%- endif -%}
{%- set scores = k if k is not none else 'max(score) over (partition by rfm_dimension)' -%}

with

ranges as (
    select
        rfm_dimension,
        score,
        min_value,
        max_value,
        row_number() over (partition by rfm_dimension order by min_value asc nulls first, score asc) as position,
        count(*) over (partition by rfm_dimension) as ranges_in_dimension,
        count(*) over (partition by rfm_dimension, score) as rows_for_score,
        {{ scores }} as expected_scores,
        lead(min_value) over (partition by rfm_dimension order by min_value asc nulls first, score asc)
        as next_min_value
    from {{ model }}
),

problems as (
    select
        rfm_dimension,
        score,
        case
            when ranges_in_dimension != expected_scores then 'dimension does not have one range per score 1..k'
            when rows_for_score > 1 then 'score appears more than once'
            when score not between 1 and expected_scores then 'score outside 1..k'
            when position = 1 and min_value is not null then 'lowest range must have no min_value'
            when position = ranges_in_dimension and max_value is not null then 'highest range must have no max_value'
            when position < ranges_in_dimension and (max_value is null or max_value != next_min_value)
                then 'max_value does not meet the next range''s min_value (gap or overlap)'
            when max_value is not null and min_value is not null and max_value <= min_value then 'empty range'
        end as problem
    from ranges
)

select * from problems
where problem is not null

{% endtest %}
