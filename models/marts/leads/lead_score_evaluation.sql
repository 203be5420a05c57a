{#- How well the lead model ranks and calibrates, out of time: the back-test model (fitted one
    conversion window earlier, int_lead_coefficients fit purpose backtest) scores the prospects of
    the training cut-off (as_of_date - segments_lead_conversion_days), whose conversions by
    as_of_date it never saw. One row per decile of predicted probability (10 = highest; ties share
    a decile), with the overall AUC, log loss and top-decile lift on every row. -#}
with

features as (
    select * from {{ ref('int_lead_features') }}
    where cutoff_role = 'training'
),

coefficients as (
    select * from {{ ref('int_lead_coefficients') }}
    where fit_purpose = 'backtest'
),

scored as (
    {{ segments.lead_probability_query('features', 'coefficients') }}
),

ranked as (
    select
        contact_id,
        cutoff_date,
        lead_probability,
        case when is_converted then 1 else 0 end as converted,
        {{ segments.tie_aware_score('lead_probability', bins=10) }} as decile,
        -- the Mann-Whitney rank of the probability, ties at their average rank
        cast(rank() over (order by lead_probability asc) as {{ segments.type_double() }})
        + (count(*) over (partition by lead_probability) - 1) / 2.0 as probability_rank,
        -ln(
            case
                when is_converted then greatest(lead_probability, 1e-15)
                else greatest(1 - lead_probability, 1e-15)
            end
        ) as log_loss_term
    from scored
),

overall as (
    select
        min(cutoff_date) as evaluated_cutoff_date,
        count(*) as contacts,
        sum(converted) as conversions,
        {{ segments.ratio('sum(converted)', 'count(*)') }} as base_conversion_rate,
        avg(log_loss_term) as log_loss,
        sum(case when converted = 1 then probability_rank else 0 end) as positive_rank_sum
    from ranked
),

model_quality as (
    select
        evaluated_cutoff_date,
        contacts,
        conversions,
        base_conversion_rate,
        {{ segments.round_double('log_loss', 10) }} as log_loss,
        {{ segments.round_double(segments.ratio(
            'positive_rank_sum - conversions * (conversions + 1) / 2.0',
            'conversions * (contacts - conversions)'), 10) }} as auc
    from overall
),

deciles as (
    select
        decile,
        count(*) as decile_contacts,
        sum(converted) as decile_conversions,
        {{ segments.round_double('avg(lead_probability)', 10) }} as mean_predicted_probability,
        {{ segments.ratio('sum(converted)', 'count(*)') }} as actual_conversion_rate
    from ranked
    group by decile
),

top_decile as (
    -- the highest decile present (ties may leave decile 10 empty)
    select actual_conversion_rate
    from deciles
    where decile = (select max(highest.decile) as highest_decile from deciles as highest)
),

evaluated as (
    select
        -- keys
        deciles.decile,

        -- calibration of the decile
        deciles.decile_contacts,
        deciles.decile_conversions,
        deciles.mean_predicted_probability,
        deciles.actual_conversion_rate,
        {{ segments.round_double(segments.ratio(
            'deciles.actual_conversion_rate', 'model_quality.base_conversion_rate'), 10) }} as lift,

        -- the model as a whole
        model_quality.auc,
        model_quality.log_loss,
        model_quality.base_conversion_rate,
        {{ segments.round_double(segments.ratio(
            'top_decile.actual_conversion_rate', 'model_quality.base_conversion_rate'), 10) }} as top_decile_lift,
        model_quality.contacts,
        model_quality.conversions,
        model_quality.evaluated_cutoff_date,
        {{ segments.as_of_date() }} as as_of_date
    from deciles
    cross join model_quality
    cross join top_decile
)

select * from evaluated
