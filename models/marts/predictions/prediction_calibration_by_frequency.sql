{#- The validation view of Fader, Hardie & Lee (2005): calibration customers grouped by their repeat
    purchases before the calibration cut-off (0, 1, ..., and the last group for
    segments_calibration_frequency_top or more), with the mean purchases BG/NBD expected of them over
    the hold-out days beside the mean they actually made. -#}
{%- set holdout_days = var('segments_prediction_holdout_days') -%}
{%- set top = var('segments_calibration_frequency_top') -%}

with

calibration_predictions as (
    select * from {{ ref('int_calibration_predictions') }}
),

grouped as (
    select
        predicted_purchases,
        holdout_purchases,
        case when repeat_purchases >= {{ top }} then {{ top }} else repeat_purchases end as repeat_purchases_group
    from calibration_predictions
),

by_frequency as (
    select
        repeat_purchases_group,
        count(*) as customers,
        {{ segments.exact_sum('predicted_purchases', 9) }} as predicted_purchases,
        sum(holdout_purchases) as actual_purchases
    from grouped
    group by repeat_purchases_group
),

compared as (
    select
        repeat_purchases_group,
        case
            when repeat_purchases_group = {{ top }}
                then {{ dbt.concat(["cast(repeat_purchases_group as " ~ dbt.type_string() ~ ")", "'+'"]) }}
            else cast(repeat_purchases_group as {{ dbt.type_string() }})
        end as repeat_purchases_label,
        customers,
        predicted_purchases,
        actual_purchases,
        {{ segments.round_double(segments.ratio('predicted_purchases', 'customers'), 9) }} as predicted_per_customer,
        {{ segments.round_double(segments.ratio('actual_purchases', 'customers'), 9) }} as actual_per_customer,
        {{ holdout_days }} as holdout_days,
        cast({{ dbt.dateadd('day', -holdout_days, segments.as_of_date()) }} as date) as calibration_cutoff_date,
        {{ segments.as_of_date() }} as as_of_date
    from by_frequency
)

select * from compared
