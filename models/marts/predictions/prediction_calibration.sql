{#- Does the model predict what customers then did? Fitted on the history up to
    segments_prediction_holdout_days before as_of_date (fit purpose calibration), each customer's expected
    purchases over those days are compared with the purchases actually made in them; one row per
    decile of prediction (1 = the lowest tenth of predicted purchases, tie-aware), plus an
    'all' row. -#}
{%- set holdout_days = var('segments_prediction_holdout_days') -%}

with

calibration_predictions as (
    select * from {{ ref('int_calibration_predictions') }}
),

deciles as (
    select
        *,
        {{ segments.tie_aware_score('predicted_purchases', bins=10) }} as prediction_decile
    from calibration_predictions
),

by_decile as (
    select
        lpad(cast(prediction_decile as {{ dbt.type_string() }}), 2, '0') as prediction_decile,
        count(*) as customers,
        {{ segments.exact_sum('predicted_purchases', 9) }} as predicted_purchases,
        sum(holdout_purchases) as actual_purchases
    from deciles
    group by prediction_decile
    union all
    select
        'all' as prediction_decile,
        count(*) as customers,
        {{ segments.exact_sum('predicted_purchases', 9) }} as predicted_purchases,
        sum(holdout_purchases) as actual_purchases
    from deciles
),

compared as (
    select
        prediction_decile,
        customers,
        predicted_purchases,
        actual_purchases,
        {{ segments.round_double(segments.ratio('predicted_purchases', 'customers'), 9) }} as predicted_per_customer,
        {{ segments.round_double(segments.ratio('actual_purchases', 'customers'), 9) }} as actual_per_customer,
        {{ segments.round_double(segments.ratio('predicted_purchases - actual_purchases', 'actual_purchases'), 9) }}
            as relative_error,
        {{ holdout_days }} as holdout_days,
        cast({{ dbt.dateadd('day', -holdout_days, segments.as_of_date()) }} as date) as calibration_cutoff_date,
        {{ segments.as_of_date() }} as as_of_date
    from by_decile
)

select * from compared
