{%- set gap_multiplier = var('segments_lifecycle_at_risk_gap_multiplier') -%}
{%- set at_risk_floor = var('segments_lifecycle_at_risk_min_days') -%}

with

contacts as (
    select * from {{ ref('dim_contacts') }}
),

contact_order_facts as (
    select * from {{ ref('int_contact_order_facts') }}
),

contact_engagement_facts as (
    select * from {{ ref('int_contact_engagement_facts') }}
),

customer_order_dates as (
    select * from {{ ref('int_customer_order_dates') }}
),

lifecycle_stages as (
    select * from {{ ref('lifecycle_stages') }}
),

pooled_gap as (
    -- The typical gap of a one-time buyer: the median gap pooled over every repeat customer.
    select {{ segments.median('gap_days') }} as pooled_typical_gap_days
    from customer_order_dates
    where gap_days is not null
),

decision_inputs as (
    select
        contacts.contact_id,
        contacts.is_customer,
        contacts.is_unsubscribed,
        contact_order_facts.first_order_date,
        contact_order_facts.last_order_date,
        contact_order_facts.recency_days as days_since_last_order,
        contact_order_facts.days_since_first_order,
        contact_order_facts.gap_before_last_order_days,
        coalesce(contact_order_facts.own_typical_gap_days, pooled_gap.pooled_typical_gap_days) as typical_gap_days,
        case
            when contact_order_facts.own_typical_gap_days is not null then 'own'
            when pooled_gap.pooled_typical_gap_days is not null then 'pooled'
        end as typical_gap_source,
        coalesce(contact_engagement_facts.recent_engagement_events, 0) as recent_engagement_events,
        coalesce(contact_engagement_facts.scoring_window_engagement_events, 0) as scoring_window_engagement_events
    from contacts
    left join contact_order_facts
        on contacts.contact_id = contact_order_facts.contact_id
    left join contact_engagement_facts
        on contacts.contact_id = contact_engagement_facts.contact_id
    cross join pooled_gap
),

thresholds_applied as (
    select
        *,
        case
            when {{ gap_multiplier }} * typical_gap_days > {{ at_risk_floor }}
                then {{ gap_multiplier }} * typical_gap_days
            else {{ at_risk_floor }}
        end as at_risk_after_days
    from decision_inputs
),

staged as (
    select
        *,
        case
            when not is_customer and recent_engagement_events >= {{ var('segments_lifecycle_engaged_lead_min_events') }}
                then 'engaged_lead'
            when not is_customer then 'prospect'
            when days_since_last_order > {{ var('segments_lifecycle_lapsed_days') }} then 'lapsed'
            when
                gap_before_last_order_days > {{ var('segments_lifecycle_reactivation_gap_days') }}
                and days_since_last_order <= {{ var('segments_lifecycle_reactivation_recent_days') }}
                then 'reactivated'
            when days_since_first_order <= {{ var('segments_lifecycle_new_customer_days') }} then 'new_customer'
            when days_since_last_order > at_risk_after_days then 'at_risk'
            else 'active_customer'
        end as lifecycle_stage,
        {{ segments.tie_aware_score('scoring_window_engagement_events', bins=var('segments_engagement_score_bins')) }} as engagement_score  -- noqa: LT05
    from thresholds_applied
),

described as (
    select
        staged.contact_id,
        staged.lifecycle_stage,
        lifecycle_stages.definition as lifecycle_stage_definition,
        lifecycle_stages.recommended_action as lifecycle_recommended_action,
        staged.is_customer,
        staged.is_unsubscribed,
        staged.first_order_date,
        staged.last_order_date,
        staged.days_since_last_order,
        staged.days_since_first_order,
        staged.gap_before_last_order_days,
        staged.typical_gap_days,
        staged.typical_gap_source,
        staged.at_risk_after_days,
        staged.recent_engagement_events,
        staged.scoring_window_engagement_events,
        staged.engagement_score,
        {{ segments.as_of_date() }} as as_of_date
    from staged
    left join lifecycle_stages
        on staged.lifecycle_stage = lifecycle_stages.lifecycle_stage
)

select * from described
