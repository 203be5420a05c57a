{%- set window_days = var('segments_preferred_channel_window_days') -%}
{%- set excluded_types = var('segments_preferred_channel_excluded_types') -%}
{%- set days_ago = segments.days_between('cast(occurred_at as date)', segments.as_of_date()) -%}
{%- set in_window = 'true' if window_days is none else days_ago ~ ' <= ' ~ window_days -%}

with

interactions as (
    select * from {{ ref('int_interactions') }}
),

channel_interactions as (
    -- Within the look-back window; interactions we initiate (an email we send) or
    -- that reject a channel (an unsubscribe) are not the contact's use of it (var
    -- segments_preferred_channel_excluded_types). An interaction without a channel uses none.
    select
        contact_id,
        channel,
        occurred_at
    from interactions
    where
        {{ in_window }}  -- noqa: LT05
        and channel is not null
        {%- if excluded_types | length > 0 %}
            and (
                interaction_type is null
                or interaction_type not in ('{{ excluded_types | join("', '") }}')  -- noqa: LT05
            )
        {%- endif %}
),

channel_usage as (
    select
        contact_id,
        channel,
        count(*) as interactions,
        max(occurred_at) as last_interaction_at
    from channel_interactions
    group by contact_id, channel
),

channels_ranked as (
    -- 1 = the preferred channel: the most interactions, then the most recently used, then the
    -- channel's name (a total order: channel is unique per contact).
    select
        contact_id,
        channel,
        interactions,
        last_interaction_at,
        row_number() over (
            partition by contact_id
            order by interactions desc, last_interaction_at desc, channel asc
        ) as channel_rank
    from channel_usage
)

select * from channels_ranked
