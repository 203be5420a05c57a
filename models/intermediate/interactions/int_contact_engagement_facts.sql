{%- set engagement_types = var('segments_lifecycle_engagement_types') -%}
{%- set reactivity_window_days = var('segments_engagement_reactivity_window_days') -%}

with

interactions as (
    select * from {{ ref('int_interactions') }}
),

interactions_as_of as (
    select
        *,
        {{ segments.days_between('cast(occurred_at as date)', segments.as_of_date()) }} as days_ago,  -- noqa: LT05
        interaction_type in ('{{ engagement_types | join("', '") }}') as is_engagement_event  -- noqa: LT05
    from interactions
),

engagement_facts as (
    select
        contact_id,
        count(*) as interactions,
        sum(
            case
                when is_engagement_event and days_ago <= {{ var('segments_lifecycle_engagement_window_days') }} then 1
                else 0
            end
        ) as recent_engagement_events,
        sum(
            case
                when is_engagement_event and days_ago <= {{ var('segments_engagement_score_window_days') }} then 1
                else 0
            end
        ) as scoring_window_engagement_events,
        sum(case when interaction_type = 'email_sent' then 1 else 0 end) as emails_sent,
        sum(case when interaction_type = 'email_open' then 1 else 0 end) as email_opens,
        sum(case when interaction_type = 'email_click' then 1 else 0 end) as email_clicks,
        {{ dbt.bool_or("interaction_type = 'unsubscribe'") }} as is_unsubscribed,
        max(case when interaction_type = 'email_sent' then occurred_at end) as last_email_sent_at,
        min(occurred_at) as first_interaction_at,
        max(occurred_at) as last_interaction_at,
        max(case when is_engagement_event then occurred_at end) as last_engagement_event_at,
        sum(
            case when interaction_type = 'email_sent' and days_ago <= {{ reactivity_window_days }} then 1 else 0 end
        ) as reactivity_window_emails_sent,
        sum(
            case when interaction_type = 'email_open' and days_ago <= {{ reactivity_window_days }} then 1 else 0 end
        ) as reactivity_window_email_opens,
        sum(
            case when interaction_type = 'email_click' and days_ago <= {{ reactivity_window_days }} then 1 else 0 end
        ) as reactivity_window_email_clicks
    from interactions_as_of
    group by contact_id
)

select * from engagement_facts
