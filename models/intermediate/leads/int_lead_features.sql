{#- The lead model's rows: every contact that is a prospect (created, no completed order yet) on a
    cut-off date, with what the warehouse knew on that date and, for the past cut-offs, whether it
    converted. Three cut-offs: scoring (as_of_date: the prospects contact_lead_scores scores),
    training (as_of_date - L, L = segments_lead_conversion_days: the rows the model is fitted on,
    converted = first completed order within L days, i.e. by as_of_date) and backtest
    (as_of_date - 2L: the back-test model's training rows, see lead_score_evaluation).
    Point in time: every feature reads interactions on or before its cut-off only, within
    segments_lead_lookback_days; a conversion is only ever the label. Profile attributes (the
    client group) are the contact's current ones: the raw contract keeps no history of them. -#}
{%- set conversion_days = var('segments_lead_conversion_days') -%}
{%- set lookback_days = var('segments_lead_lookback_days') -%}
{%- set engagement_types = var('segments_lifecycle_engagement_types') -%}
{%- set excluded_channel_types = var('segments_preferred_channel_excluded_types') -%}
{%- set as_of = segments.as_of_date() -%}
{%- set engagement_type_list = "'" ~ engagement_types | join("', '") ~ "'" -%}
{%- set count_windows = [] -%}
{%- for interaction_type in var('segments_lead_interaction_types') -%}
    {%- for days in var('segments_lead_feature_windows') -%}
        {%- do count_windows.append((interaction_type, days, interaction_type ~ '_' ~ days ~ 'd')) -%}
    {%- endfor -%}
{%- endfor -%}

with

contacts as (
    select * from {{ ref('int_contacts') }}
),

contact_client_group as (
    select * from {{ ref('int_contact_client_group') }}
),

customer_order_dates as (
    select * from {{ ref('int_customer_order_dates') }}
),

interactions as (
    select * from {{ ref('int_interactions') }}
),

need_signals as (
    select * from {{ ref('abell_needs') }}
),

cutoffs as (
    select
        'scoring' as cutoff_role,
        {{ as_of }} as cutoff_date
    union all
    select
        'training' as cutoff_role,
        cast({{ dbt.dateadd('day', -conversion_days, as_of) }} as date) as cutoff_date
    union all
    select
        'backtest' as cutoff_role,
        cast({{ dbt.dateadd('day', -2 * conversion_days, as_of) }} as date) as cutoff_date
),

first_orders as (
    select
        contact_id,
        min(order_date) as first_order_date
    from customer_order_dates
    group by contact_id
),

prospects as (
    -- Created on or before the cut-off, and no completed order on or before it.
    select
        cutoffs.cutoff_role,
        cutoffs.cutoff_date,
        contacts.contact_id,
        contact_client_group.client_group,
        first_orders.first_order_date,
        cast({{ dbt.dateadd('day', conversion_days, 'cutoffs.cutoff_date') }} as date) as conversion_deadline,
        {{ segments.days_between('cast(contacts.created_at as date)', 'cutoffs.cutoff_date') }} as days_since_created  -- noqa: LT05
    from contacts
    cross join cutoffs
    inner join contact_client_group
        on contacts.contact_id = contact_client_group.contact_id
    left join first_orders
        on contacts.contact_id = first_orders.contact_id
    where
        cast(contacts.created_at as date) <= cutoffs.cutoff_date
        and (first_orders.first_order_date is null or first_orders.first_order_date > cutoffs.cutoff_date)
),

interactions_before_cutoffs as (
    -- Each interaction once per cut-off it precedes within the look-back.
    select
        cutoffs.cutoff_role,
        interactions.interaction_id,
        interactions.contact_id,
        interactions.interaction_type,
        interactions.channel,
        interactions.topic,
        interactions.campaign_id,
        {{ segments.days_between('interactions.occurred_on', 'cutoffs.cutoff_date') }} as days_before_cutoff  -- noqa: LT05
    from interactions
    inner join cutoffs
        on
            interactions.occurred_on <= cutoffs.cutoff_date
            and interactions.occurred_on > {{ dbt.dateadd('day', -lookback_days, 'cutoffs.cutoff_date') }}
    -- the prospects' only: features are never read for a customer, whose interactions are most
    inner join prospects
        on
            cutoffs.cutoff_role = prospects.cutoff_role
            and interactions.contact_id = prospects.contact_id
),

interaction_counts as (
    select
        cutoff_role,
        contact_id,
        {% for interaction_type, days, column in count_windows -%}
            sum(case when interaction_type = '{{ interaction_type }}' and days_before_cutoff < {{ days }} then 1 else 0 end) as {{ column }},  -- noqa: LT05
        {% endfor -%}
        sum(
            case
                when
                    interaction_type in ({{ engagement_type_list }})
                    and days_before_cutoff < {{ var('segments_engagement_score_window_days') }}
                    then 1
                else 0
            end
        ) as engagement_events,
        min(case when interaction_type in ({{ engagement_type_list }}) then days_before_cutoff end) as days_since_last_engagement  -- noqa: LT05
    from interactions_before_cutoffs
    group by cutoff_role, contact_id
),

channel_usage as (
    -- The contact's own use of a channel: not what we send, not an unsubscribe (var
    -- segments_preferred_channel_excluded_types), as in int_contact_channel_usage.
    select
        cutoff_role,
        contact_id,
        channel,
        count(*) as interactions,
        min(days_before_cutoff) as days_since_last_use
    from interactions_before_cutoffs
    where
        channel is not null
        and (
            interaction_type is null
            or interaction_type not in ('{{ excluded_channel_types | join("', '") }}')  -- noqa: LT05
        )
    group by cutoff_role, contact_id, channel
),

preferred_channels as (
    -- The most used channel, then the most recently used, then its name: a total order.
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

need_counts as (
    -- Interactions signalling each need (seed abell_needs), an interaction counted once per need.
    select
        interactions_before_cutoffs.cutoff_role,
        interactions_before_cutoffs.contact_id,
        need_signals.need,
        count(distinct interactions_before_cutoffs.interaction_id) as need_signals,
        min(interactions_before_cutoffs.days_before_cutoff) as days_since_last_signal
    from interactions_before_cutoffs
    inner join need_signals
        on {{ segments.need_signal_matches('interactions_before_cutoffs', 'need_signals') }}
    group by interactions_before_cutoffs.cutoff_role, interactions_before_cutoffs.contact_id, need_signals.need
),

primary_needs as (
    select
        cutoff_role,
        contact_id,
        need,
        row_number() over (
            partition by cutoff_role, contact_id
            order by need_signals desc, days_since_last_signal asc, need asc
        ) as need_rank
    from need_counts
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
        coalesce(preferred_channels.channel, 'none') as preferred_channel,
        coalesce(primary_needs.need, 'unknown') as primary_need,

        -- numeric features
        {% for _, _, column in count_windows -%}
            coalesce(interaction_counts.{{ column }}, 0) as {{ column }},
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
            and preferred_channels.channel_rank = 1
    left join primary_needs
        on
            prospects.cutoff_role = primary_needs.cutoff_role
            and prospects.contact_id = primary_needs.contact_id
            and primary_needs.need_rank = 1
),

scored as (
    -- The engagement score of contact_lifecycle at the cut-off: the tie-aware quintile of the
    -- engagement events of the score window, among that cut-off's prospects.
    select
        *,
        {{ segments.tie_aware_score('engagement_events', bins=var('segments_engagement_score_bins'), partition_by='cutoff_role') }} as engagement_score  -- noqa: LT05
    from features
)

select * from scored
