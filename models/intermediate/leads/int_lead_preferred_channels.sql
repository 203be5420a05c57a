{#- Per cut-off and prospect: the preferred channel before the cut-off. The contact's own use of a
    channel (not what we send, not an unsubscribe: var segments_preferred_channel_excluded_types,
    as in int_contact_channel_usage): the most used, then the most recently used, then by name. -#}
{%- set excluded_channel_types = var('segments_preferred_channel_excluded_types') -%}

with

lead_interactions as (
    select * from {{ ref('int_lead_interactions') }}
),

channel_usage as (
    select
        cutoff_role,
        contact_id,
        channel,
        count(*) as interactions,
        min(days_before_cutoff) as days_since_last_use
    from lead_interactions
    where
        channel is not null
        and (
            interaction_type is null
            or interaction_type not in ('{{ excluded_channel_types | join("', '") }}')  -- noqa: LT05
        )
    group by cutoff_role, contact_id, channel
),

ranked_channels as (
    select
        cutoff_role,
        contact_id,
        channel,
        row_number() over (
            partition by cutoff_role, contact_id
            order by interactions desc, days_since_last_use asc, channel asc
        ) as channel_rank
    from channel_usage
),

preferred_channels as (
    select
        cutoff_role,
        contact_id,
        channel as preferred_channel
    from ranked_channels
    where channel_rank = 1
)

select * from preferred_channels
