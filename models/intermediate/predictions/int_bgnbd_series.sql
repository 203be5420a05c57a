{#- The hypergeometric value of the BG/NBD expected-purchases formula, once per distinct
    (fit purpose, x, T, horizon): G = 2F1(a + b - 1 - r, a - 1; a + b + x - 1; z) with
    z = t / (alpha + T + t), summed as its power series sum_k c_k z^k. The coefficients depend on x
    only, so they are built once per distinct x as running sums of logs; customers share a value
    whenever they share (x, T), so millions of customers need only thousands of series. Summed in
    log space: each term divided by the largest term of its series, so no term or partial sum can
    overflow whatever the parameters. Parameters of the homogeneous-dropout limit
    (bgnbd_is_homogeneous_dropout) need no series: one term, marked converged. -#}
{%- set max_terms = var('segments_hypergeometric_max_terms') | int -%}
{%- set horizon_days = var('segments_prediction_horizon_days') -%}
{%- set segments_clv_period_days = var('segments_clv_period_days') -%}

with

purchase_summary as (
    select * from {{ ref('int_customer_purchase_summary') }}
),

prediction_parameters as (
    select * from {{ ref('int_prediction_parameters') }}
),

series_indexes as (
    {{ segments.integer_series(max_terms) }}
),

horizons as (
    -- Scoring: the prediction horizon and the end of each CLV period; calibration: the hold-out.
    select
        'scoring' as fit_purpose,
        {{ horizon_days }} as horizon_days
    {% for period in range(1, var('segments_clv_horizon_periods') + 1) -%}
        union all
        select
            'scoring' as fit_purpose,
            {{ period * segments_clv_period_days }} as horizon_days
    {% endfor -%}
    union all
    select
        'calibration' as fit_purpose,
        {{ var('segments_prediction_holdout_days') }} as horizon_days
),

series_arguments as (
    select distinct
        purchase_summary.fit_purpose,
        purchase_summary.repeat_purchases,
        purchase_summary.days_first_to_cutoff,
        horizons.horizon_days
    from purchase_summary
    inner join horizons
        on purchase_summary.fit_purpose = horizons.fit_purpose
),

series_points as (
    select
        series_arguments.fit_purpose,
        series_arguments.repeat_purchases,
        series_arguments.days_first_to_cutoff,
        series_arguments.horizon_days,
        {{ segments.ratio(
            'series_arguments.horizon_days',
            'prediction_parameters.alpha_parameter + series_arguments.days_first_to_cutoff'
            ~ ' + series_arguments.horizon_days') }} as series_argument,
        {{ segments.bgnbd_is_homogeneous_dropout(
            'prediction_parameters.a_parameter', 'prediction_parameters.b_parameter') }} as is_homogeneous_dropout
    from series_arguments
    inner join prediction_parameters
        on series_arguments.fit_purpose = prediction_parameters.fit_purpose
),

series_lengths as (
    -- Terms shrink at least like z^k once past their peak: twice the k where z^k < 1e-18, plus
    -- 50, is ample; the convergence check below tells whether it was.
    select
        *,
        cast(case
            when is_homogeneous_dropout then 1
            else least({{ max_terms }}, ceiling(2 * ln(1e-18) / ln(series_argument)) + 50)
        end as {{ dbt.type_int() }}) as series_terms
    from series_points
),

distinct_x as (
    select distinct
        fit_purpose,
        repeat_purchases
    from series_arguments
),

coefficient_factors as (
    -- The ratio c_(k+1) / c_k = (A + k)(B + k) / ((C + k)(k + 1)), A = a + b - 1 - r, B = a - 1,
    -- C = a + b + x - 1, kept as a log of its size, a sign and a zero flag.
    select
        distinct_x.fit_purpose,
        distinct_x.repeat_purchases,
        series_indexes.series_index,
        prediction_parameters.a_parameter + prediction_parameters.b_parameter - 1
        - prediction_parameters.r_parameter + series_indexes.series_index as factor_a,
        prediction_parameters.a_parameter - 1 + series_indexes.series_index as factor_b,
        prediction_parameters.a_parameter + prediction_parameters.b_parameter
        + distinct_x.repeat_purchases - 1 + series_indexes.series_index as factor_c,
        series_indexes.series_index + 1 as factor_k
    from distinct_x
    inner join prediction_parameters
        on distinct_x.fit_purpose = prediction_parameters.fit_purpose
    cross join series_indexes
),

coefficient_steps as (
    select
        fit_purpose,
        repeat_purchases,
        series_index,
        -- C is negative for the first terms when a + b + x < 1 (a + b below 1 is a fitted value
        -- like any other): its sign counts as A's and B's do.
        case
            when factor_a = 0 or factor_b = 0 then 0.0
            else ln(abs(factor_a)) + ln(abs(factor_b)) - ln(abs(factor_c)) - ln(factor_k)
        end as log_step,
        (case when factor_a < 0 then 1 else 0 end)
        + (case when factor_b < 0 then 1 else 0 end)
        + (case when factor_c < 0 then 1 else 0 end) as negative_factors,
        case when factor_a = 0 or factor_b = 0 then 1 else 0 end as zero_factors
    from coefficient_factors
),

coefficients as (
    -- c_k = the product of the steps before k: running sums over the steps 0 .. k - 1.
    select
        fit_purpose,
        repeat_purchases,
        series_index,
        coalesce(sum(log_step) over (
            partition by fit_purpose, repeat_purchases order by series_index
            rows between unbounded preceding and 1 preceding
        ), 0.0) as log_abs_coefficient,
        coalesce(sum(negative_factors) over (
            partition by fit_purpose, repeat_purchases order by series_index
            rows between unbounded preceding and 1 preceding
        ), 0) as negative_factors_before,
        coalesce(sum(zero_factors) over (
            partition by fit_purpose, repeat_purchases order by series_index
            rows between unbounded preceding and 1 preceding
        ), 0) as zero_factors_before
    from coefficient_steps
),

series_term_logs as (
    -- every term of every series: (fit purpose, x, T, horizon) x k, tens of millions of rows
    select
        series_lengths.fit_purpose,
        series_lengths.repeat_purchases,
        series_lengths.days_first_to_cutoff,
        series_lengths.horizon_days,
        series_lengths.series_terms,
        series_lengths.is_homogeneous_dropout,
        coefficients.series_index,
        coefficients.log_abs_coefficient + coefficients.series_index * ln(series_lengths.series_argument)
            as log_abs_term,
        case
            when coefficients.zero_factors_before > 0 then 0
            when mod(coefficients.negative_factors_before, 2) = 1 then -1
            else 1
        end as term_sign
    from series_lengths
    inner join coefficients
        on
            series_lengths.fit_purpose = coefficients.fit_purpose
            and series_lengths.repeat_purchases = coefficients.repeat_purchases
            and series_lengths.series_terms > coefficients.series_index
),

largest_terms as (
    -- The largest term of each series: an aggregate of the same terms computed again (the same
    -- expressions, so the same values), joined back by series. Partitioning tens of millions of
    -- terms in a window, or keeping them all to read them twice, costs several times more.
    select
        series_lengths.fit_purpose,
        series_lengths.repeat_purchases,
        series_lengths.days_first_to_cutoff,
        series_lengths.horizon_days,
        max(
            case
                when coefficients.zero_factors_before = 0
                    then
                        coefficients.log_abs_coefficient
                        + coefficients.series_index * ln(series_lengths.series_argument)
            end
        ) as log_largest_term
    from series_lengths
    inner join coefficients
        on
            series_lengths.fit_purpose = coefficients.fit_purpose
            and series_lengths.repeat_purchases = coefficients.repeat_purchases
            and series_lengths.series_terms > coefficients.series_index
    group by
        series_lengths.fit_purpose,
        series_lengths.repeat_purchases,
        series_lengths.days_first_to_cutoff,
        series_lengths.horizon_days
),

series_terms as (
    select
        series_term_logs.*,
        largest_terms.log_largest_term
    from series_term_logs
    inner join largest_terms
        on
            series_term_logs.fit_purpose = largest_terms.fit_purpose
            and series_term_logs.repeat_purchases = largest_terms.repeat_purchases
            and series_term_logs.days_first_to_cutoff = largest_terms.days_first_to_cutoff
            and series_term_logs.horizon_days = largest_terms.horizon_days
),

term_values as (
    select
        *,
        -- Each term relative to the largest, in [-1, 1]; exp() underflows to an error on some
        -- engines: shares below e^-700 are zero.
        case
            when term_sign = 0 or log_abs_term - log_largest_term < -700 then 0.0
            else term_sign * exp(log_abs_term - log_largest_term)
        end as term_share
    from series_terms
),

series_values as (
    -- Summed as exact decimals, so the total does not depend on the order rows arrive in; each
    -- share is at most 1 in size and there are at most segments_hypergeometric_max_terms of them.
    select
        fit_purpose,
        repeat_purchases,
        days_first_to_cutoff,
        horizon_days,
        max(series_terms) as series_terms,
        max(case when is_homogeneous_dropout then 1 else 0 end) as is_homogeneous_dropout,
        max(log_largest_term) as log_largest_term,
        cast(sum(cast(term_share as decimal(38, 20))) as {{ segments.type_double() }}) as series_share_sum,
        max(case when series_index = series_terms - 1 then abs(term_share) end) as last_term_share_of_largest
    from term_values
    group by fit_purpose, repeat_purchases, days_first_to_cutoff, horizon_days
),

series_logs as (
    select
        *,
        case
            when series_share_sum > 0 then log_largest_term + ln(series_share_sum)
        end as log_series_value
    from series_values
)

select
    fit_purpose,
    repeat_purchases,
    days_first_to_cutoff,
    horizon_days,
    series_terms,
    log_series_value,
    case
        when log_series_value <= 700 then exp(greatest(-700.0, log_series_value))
    end as series_value,
    case
        when is_homogeneous_dropout = 1 then 0.0
        else {{ segments.ratio('last_term_share_of_largest', 'abs(series_share_sum)') }}
    end as last_term_share
from series_logs
