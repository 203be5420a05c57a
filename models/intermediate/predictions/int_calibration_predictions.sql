{#- Each calibration customer's expected purchases over the hold-out days, from the BG/NBD fit of the
    history up to segments_prediction_holdout_days before as_of_date (fit purpose calibration), beside
    the purchases (distinct order dates) actually made in those days: what prediction_calibration
    compares by decile of prediction and prediction_calibration_by_frequency by calibration-period
    repeat purchases. -#}
{%- set holdout_days = var('segments_prediction_holdout_days') -%}

with

purchase_summary as (
    select * from {{ ref('int_customer_purchase_summary') }}
),

prediction_parameters as (
    select * from {{ ref('int_prediction_parameters') }}
),

bgnbd_series as (
    select * from {{ ref('int_bgnbd_series') }}
),

calibration_customers as (
    select
        purchase_summary.contact_id,
        purchase_summary.repeat_purchases,
        purchase_summary.holdout_purchases,
        {{ segments.round_double(segments.bgnbd_expected_purchases(
            'purchase_summary.repeat_purchases', 'purchase_summary.days_first_to_last',
            'purchase_summary.days_first_to_cutoff', 'bgnbd_series.horizon_days', 'bgnbd_series.series_value',
            'prediction_parameters.r_parameter', 'prediction_parameters.alpha_parameter',
            'prediction_parameters.a_parameter', 'prediction_parameters.b_parameter'), 9) }} as predicted_purchases
    from purchase_summary
    inner join prediction_parameters
        on purchase_summary.fit_purpose = prediction_parameters.fit_purpose
    inner join bgnbd_series
        on
            purchase_summary.fit_purpose = bgnbd_series.fit_purpose
            and purchase_summary.repeat_purchases = bgnbd_series.repeat_purchases
            and purchase_summary.days_first_to_cutoff = bgnbd_series.days_first_to_cutoff
            and bgnbd_series.horizon_days = {{ holdout_days }}
    where purchase_summary.fit_purpose = 'calibration'
)

select * from calibration_customers
