{#- The lead model's rows: every prospect of int_lead_prospects (scoring, training and backtest
    cut-offs) with what the warehouse knew on its cut-off and, for the past cut-offs, whether it
    converted. Point in time: every feature reads interactions on or before its cut-off only,
    within segments_lead_lookback_days (int_lead_interactions); a conversion is only ever the label.
    Profile attributes (the client group) are the contact's current ones: the raw contract keeps
    no history of them. The aggregates are models of their own, joined here from disk. -#}
{%- set lookback_days = var('segments_lead_lookback_days') -%}

with

prospects as (
    select * from {{ ref('int_lead_prospects') }}
),

interaction_counts as (
    select * from {{ ref('int_lead_interaction_counts') }}
),

preferred_channels as (
    select * from {{ ref('int_lead_preferred_channels') }}
),

primary_needs as (
    select * from {{ ref('int_lead_primary_needs') }}
),

features as (
    select
        -- keys
        prospects.cutoff_role,
        prospects.contact_id,
        prospects.cutoff_date,

        -- label: a first completed order within the conversion window (unknown yet when scoring)
        case
            when prospects.cutoff_role != 'scoring'
                then coalesce(prospects.first_order_date <= prospects.conversion_deadline, false)
        end as is_converted,

        -- categorical features
        prospects.client_group,
        coalesce(preferred_channels.preferred_channel, 'none') as preferred_channel,
        coalesce(primary_needs.primary_need, 'unknown') as primary_need,

        -- numeric features
        {% for count in segments.lead_interaction_counts() -%}
            coalesce(interaction_counts.{{ count.column }}, 0) as {{ count.column }},
        {% endfor -%}
        coalesce(interaction_counts.engagement_events, 0) as engagement_events,
        coalesce(interaction_counts.days_since_last_engagement, {{ lookback_days }}) as days_since_last_engagement,
        prospects.days_since_created
    from prospects
    left join interaction_counts
        on
            prospects.cutoff_role = interaction_counts.cutoff_role
            and prospects.contact_id = interaction_counts.contact_id
    left join preferred_channels
        on
            prospects.cutoff_role = preferred_channels.cutoff_role
            and prospects.contact_id = preferred_channels.contact_id
    left join primary_needs
        on
            prospects.cutoff_role = primary_needs.cutoff_role
            and prospects.contact_id = primary_needs.contact_id
),

engagement_values as (
    -- The engagement score of contact_lifecycle at the cut-off: the tie-aware quintile of the
    -- engagement events of the score window, among that cut-off's prospects. Scored once per
    -- distinct count and joined back: a window over every prospect ran out of 3 GB at 5M contacts.
    select
        cutoff_role,
        engagement_events,
        count(*) as prospects
    from features
    group by cutoff_role, engagement_events
),

engagement_scores as (
    select
        cutoff_role,
        engagement_events,
        {{ segments.tie_aware_value_score('engagement_events', 'prospects', bins=var('segments_engagement_score_bins'), partition_by='cutoff_role') }} as engagement_score  -- noqa: LT05
    from engagement_values
),

scored as (
    select
        features.*,
        engagement_scores.engagement_score
    from features
    inner join engagement_scores
        on
            features.cutoff_role = engagement_scores.cutoff_role
            and features.engagement_events = engagement_scores.engagement_events
)

select * from scored
