{#- Upgrade potential ("potentiel de montée en gamme"): the ABC tier each customer's predicted
    customer value would place them in, ranked among all customers by predicted_clv with the same
    cut-offs as their past revenue (vars segments_abc_cutoffs, segments_abc_labels), against the tier
    their past revenue gives them. A customer whose predicted tier is better has upgrade potential,
    and that tier is the target of the account plan. -#}
{%- set labels = var('segments_abc_labels') -%}

with

contact_abc as (
    select * from {{ ref('contact_abc') }}
),

contact_predictions as (
    select * from {{ ref('contact_predictions') }}
),

customers as (
    select
        contact_abc.contact_id,
        contact_abc.abc_tier,
        contact_abc.monetary,
        coalesce(contact_predictions.predicted_clv, 0) as predicted_clv
    from contact_abc
    left join contact_predictions
        on contact_abc.contact_id = contact_predictions.contact_id
),

tiered_by_prediction as (
    select
        *,
        {{ segments.cumulative_share_tier('predicted_clv') }} as predicted_abc_tier
    from customers
),

ranked as (
    -- the tiers' order: 1 for the first label (the best), as the vars list them
    select
        *,
        {{ segments.label_rank('abc_tier', labels) }} as abc_tier_rank,
        {{ segments.label_rank('predicted_abc_tier', labels) }} as predicted_abc_tier_rank
    from tiered_by_prediction
),

upgrade_potential as (
    select
        contact_id,
        abc_tier,
        monetary,
        predicted_clv,
        predicted_abc_tier,
        predicted_abc_tier_rank < abc_tier_rank as has_upgrade_potential,
        case when predicted_abc_tier_rank < abc_tier_rank then predicted_abc_tier end as target_abc_tier,
        {{ segments.as_of_date() }} as as_of_date
    from ranked
)

select * from upgrade_potential
