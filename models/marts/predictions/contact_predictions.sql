{#- Churn risk and value, one row per customer as of as_of_date: BG/NBD (will they buy again, and
    how often) and Gamma-Gamma (how much per order), scored in SQL with the parameters of
    prediction_parameters. Probabilities and counts are rounded to 9 decimals and money to 6, so
    every engine gives the same digits (their exp and pow differ in the last bit). -#}
{%- set horizon_days = var('segments_prediction_horizon_days') -%}
{%- set periods = var('segments_clv_horizon_periods') | int -%}
{%- set period_days = var('segments_clv_period_days') -%}
{%- set cutoffs = var('segments_churn_risk_cutoffs') -%}
{%- set labels = var('segments_churn_risk_labels') -%}

with

purchase_summary as (
    select * from {{ ref('int_customer_purchase_summary') }}
),

prediction_parameters as (
    select * from {{ ref('prediction_parameters') }}
),

bgnbd_series as (
    select * from {{ ref('int_bgnbd_series') }}
),

customers as (
    select
        purchase_summary.contact_id,
        purchase_summary.first_order_date,
        purchase_summary.repeat_purchases,
        purchase_summary.days_first_to_last,
        purchase_summary.days_first_to_cutoff,
        purchase_summary.repeat_order_value,
        purchase_summary.observed_order_value,
        prediction_parameters.r_parameter,
        prediction_parameters.alpha_parameter,
        prediction_parameters.a_parameter,
        prediction_parameters.b_parameter,
        prediction_parameters.p_parameter,
        prediction_parameters.q_parameter,
        prediction_parameters.gamma_parameter
    from purchase_summary
    inner join prediction_parameters
        on purchase_summary.fit_purpose = prediction_parameters.fit_purpose
    where purchase_summary.fit_purpose = 'scoring'
),

expected_by_horizon as (
    select
        customers.contact_id,
        bgnbd_series.horizon_days,
        bgnbd_series.last_term_share,
        {{ segments.bgnbd_expected_purchases(
            'customers.repeat_purchases', 'customers.days_first_to_last', 'customers.days_first_to_cutoff',
            'bgnbd_series.horizon_days', 'bgnbd_series.series_value',
            'customers.r_parameter', 'customers.alpha_parameter', 'customers.a_parameter',
            'customers.b_parameter') }} as expected_purchases
    from customers
    inner join bgnbd_series
        on
            customers.repeat_purchases = bgnbd_series.repeat_purchases
            and customers.days_first_to_cutoff = bgnbd_series.days_first_to_cutoff
            and bgnbd_series.fit_purpose = 'scoring'
),

expected_weighted as (
    -- Discounted purchases over the CLV periods: sum over i of (E[Y(i)] - E[Y(i - 1)]) / (1 + d)^i
    -- = sum over i of E[Y(i)] (w(i) - w(i + 1)), w(i) = (1 + d)^-i and w(periods + 1) = 0, so each
    -- period end contributes its own term and no row needs its neighbour.
    select
        *,
        case
            {%- for period in range(1, periods + 1) %}
                when horizon_days = {{ period * period_days }} then {{ segments.clv_period_weight(period, periods) }}
            {%- endfor %}
            else 0.0
        end as discount_weight
    from expected_by_horizon
),

expected_per_customer as (
    -- max() picks the single row of the horizon.
    select
        contact_id,
        max(last_term_share) as series_last_term_share,
        max(case when horizon_days = {{ horizon_days }} then expected_purchases end) as expected_purchases,
        {{ segments.exact_sum('expected_purchases * discount_weight', 18) }} as discounted_expected_purchases
    from expected_weighted
    group by contact_id
),

scored as (
    select
        customers.*,
        expected_per_customer.series_last_term_share,
        expected_per_customer.expected_purchases,
        expected_per_customer.discounted_expected_purchases,
        {{ segments.bgnbd_p_alive(
            'customers.repeat_purchases', 'customers.days_first_to_last', 'customers.days_first_to_cutoff',
            'customers.r_parameter', 'customers.alpha_parameter', 'customers.a_parameter',
            'customers.b_parameter') }} as p_alive,
        {{ segments.bgnbd_p_no_purchase(
            'customers.repeat_purchases', 'customers.days_first_to_last', 'customers.days_first_to_cutoff',
            horizon_days,
            'customers.r_parameter', 'customers.alpha_parameter', 'customers.a_parameter',
            'customers.b_parameter') }} as p_no_purchase,
        {{ segments.gamma_gamma_expected_value(
            'customers.repeat_purchases', 'customers.repeat_order_value',
            'customers.p_parameter', 'customers.q_parameter', 'customers.gamma_parameter') }} as gamma_gamma_order_value
    from customers
    inner join expected_per_customer
        on customers.contact_id = expected_per_customer.contact_id
),

valued as (
    -- Gamma-Gamma has no mean spend when q <= 1 (spend too heavy-tailed): the customer's observed
    -- mean order value stands in, flagged, instead of a null that would leave CLV unknown.
    select
        *,
        coalesce(gamma_gamma_order_value, observed_order_value) as expected_order_value,
        gamma_gamma_order_value is null as is_order_value_observed
    from scored
),

rounded as (
    select
        contact_id,
        first_order_date,
        repeat_purchases,
        days_first_to_last,
        days_first_to_cutoff,
        {{ segments.round_double('repeat_order_value', 6) }} as repeat_order_value,
        {{ segments.round_double('p_alive', 9) }} as p_alive,
        {{ segments.round_double('expected_purchases', 9) }} as expected_purchases,
        {{ segments.round_double('p_no_purchase', 9) }} as p_no_purchase,
        {{ segments.round_double('expected_order_value', 6) }} as expected_order_value,
        is_order_value_observed,
        {{ segments.round_double('expected_order_value * discounted_expected_purchases', 6) }} as predicted_clv,
        series_last_term_share < 1e-12 as is_series_converged
    from valued
),

banded as (
    -- Banded on the rounded probability, so the band always agrees with the value shown.
    select
        *,
        {{ segments.band_label('p_no_purchase', cutoffs, labels) }} as churn_risk,
        {{ segments.as_of_date() }} as as_of_date
    from rounded
)

select * from banded
