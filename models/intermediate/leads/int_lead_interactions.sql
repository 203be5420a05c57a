{#- The interactions the lead features read: each interaction of a prospect once per cut-off it
    precedes, within segments_lead_lookback_days (point in time: nothing after the cut-off). The
    prospects' only: features are never read for a customer, whose interactions are most. -#}
{%- set lookback_days = var('segments_lead_lookback_days') -%}

with

prospects as (
    select * from {{ ref('int_lead_prospects') }}
),

interactions as (
    select * from {{ ref('int_interactions') }}
),

interactions_before_cutoffs as (
    select
        prospects.cutoff_role,
        interactions.interaction_id,
        interactions.contact_id,
        interactions.interaction_type,
        interactions.channel,
        interactions.topic,
        interactions.campaign_id,
        {{ segments.days_between('interactions.occurred_on', 'prospects.cutoff_date') }} as days_before_cutoff  -- noqa: LT05
    from interactions
    inner join prospects
        on
            interactions.contact_id = prospects.contact_id
            and interactions.occurred_on <= prospects.cutoff_date
            and interactions.occurred_on > {{ dbt.dateadd('day', -lookback_days, 'prospects.cutoff_date') }}
)

select * from interactions_before_cutoffs
