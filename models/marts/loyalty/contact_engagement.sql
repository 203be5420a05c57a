{%- set top_engagement_score = var('segments_engagement_score_bins') -%}
{%- set ambassador_tiers = var('segments_loyalty_ambassador_abc_tiers') -%}
{%- set ambassador_min_rating = var('segments_loyalty_ambassador_min_rating') -%}
{%- set newcomer_min_rating = var('segments_loyalty_newcomer_min_rating') -%}
{%- set slipping_order_share = var('segments_loyalty_slipping_order_share') -%}
{%- set slipping_basket_drop = var('segments_loyalty_slipping_basket_drop') -%}
{%- set promo_min_share = var('segments_promo_driven_min_share') -%}
{#- 1 - recent basket / earlier basket = (E x n_recent - R x n_earlier) / (E x n_recent), E and R the
    windows' revenue, n their completed orders; in cents, so both sides are whole numbers. -#}
{%- set basket_drop_cents =
    '(earlier_window_revenue * recent_window_orders - recent_window_revenue * earlier_window_orders) * 100' -%}
{%- set earlier_basket_cents = 'earlier_window_revenue * recent_window_orders * 100' -%}

with

contacts as (
    select * from {{ ref('dim_contacts') }}
),

contact_lifecycle as (
    select * from {{ ref('contact_lifecycle') }}
),

contact_abc as (
    select * from {{ ref('contact_abc') }}
),

contact_order_facts as (
    select * from {{ ref('int_contact_order_facts') }}
),

contact_order_behaviour as (
    select * from {{ ref('int_contact_order_behaviour') }}
),

contact_engagement_facts as (
    select * from {{ ref('int_contact_engagement_facts') }}
),

contact_channel_usage as (
    select * from {{ ref('int_contact_channel_usage') }}
),

contact_review_facts as (
    select * from {{ ref('int_contact_review_facts') }}
),

loyalty_segments as (
    select * from {{ ref('loyalty_segments') }}
),

preferred_channels as (
    select
        contact_id,
        channel as preferred_channel,
        interactions as preferred_channel_interactions
    from contact_channel_usage
    where channel_rank = 1
),

behaviour_inputs as (
    -- One row per contact of dim_contacts; a contact without interactions, orders or reviews gets
    -- zero counts, the explicit channel 'none' and null ratings, never a missing row.
    select
        contacts.contact_id,

        -- email reactivity and engagement
        coalesce(contact_engagement_facts.reactivity_window_emails_sent, 0) as reactivity_window_emails_sent,
        coalesce(contact_engagement_facts.reactivity_window_email_opens, 0) as reactivity_window_email_opens,
        coalesce(contact_engagement_facts.reactivity_window_email_clicks, 0) as reactivity_window_email_clicks,
        contact_engagement_facts.last_engagement_event_at,
        coalesce(preferred_channels.preferred_channel, 'none') as preferred_channel,
        coalesce(preferred_channels.preferred_channel_interactions, 0) as preferred_channel_interactions,
        -- contact_lifecycle's engagement score, reused as computed (same events, same population)
        contact_lifecycle.scoring_window_engagement_events,
        contact_lifecycle.engagement_score,

        -- loyalty inputs
        contact_lifecycle.lifecycle_stage,
        contact_abc.abc_tier,
        coalesce(contact_order_facts.distinct_order_dates, 0) as distinct_order_dates,
        coalesce(contact_review_facts.rated_reviews, 0) as rated_reviews,
        contact_review_facts.last_review_rating,
        coalesce(contact_order_behaviour.completed_orders, 0) as completed_orders,
        coalesce(contact_order_behaviour.discounted_orders, 0) as discounted_orders,
        coalesce(contact_order_behaviour.recent_window_orders, 0) as recent_window_orders,
        coalesce(contact_order_behaviour.earlier_window_orders, 0) as earlier_window_orders,
        coalesce(contact_order_behaviour.recent_window_revenue, 0) as recent_window_revenue,
        coalesce(contact_order_behaviour.earlier_window_revenue, 0) as earlier_window_revenue
    from contacts
    left join contact_lifecycle
        on contacts.contact_id = contact_lifecycle.contact_id
    left join contact_abc
        on contacts.contact_id = contact_abc.contact_id
    left join contact_order_facts
        on contacts.contact_id = contact_order_facts.contact_id
    left join contact_order_behaviour
        on contacts.contact_id = contact_order_behaviour.contact_id
    left join contact_engagement_facts
        on contacts.contact_id = contact_engagement_facts.contact_id
    left join preferred_channels
        on contacts.contact_id = preferred_channels.contact_id
    left join contact_review_facts
        on contacts.contact_id = contact_review_facts.contact_id
),

behaviour_measured as (
    select
        *,
        {{ segments.ratio('reactivity_window_email_opens', 'reactivity_window_emails_sent') }} as opens_per_email_sent,
        {{ segments.ratio('reactivity_window_email_clicks', 'reactivity_window_emails_sent') }}
            as clicks_per_email_sent,
        {{ segments.days_between('cast(last_engagement_event_at as date)', segments.as_of_date()) }}
            as days_since_last_engagement,
        {{ segments.ratio('discounted_orders', 'completed_orders') }} as discounted_order_share,
        distinct_order_dates >= 2 as is_repeat_buyer,
        {{ segments.ratio('recent_window_orders', 'earlier_window_orders') }} as recent_to_earlier_orders,
        {{ segments.ratio('recent_window_revenue', 'recent_window_orders') }} as recent_window_avg_basket,
        {{ segments.ratio('earlier_window_revenue', 'earlier_window_orders') }} as earlier_window_avg_basket,
        -- 1 - recent basket / earlier basket, from the window totals in cents: whole numbers, exact
        -- as doubles, so an exact drop of a third is the double nearest 1/3 on every engine.
        case
            when recent_window_orders > 0 and earlier_window_orders > 0 and earlier_window_revenue > 0
                then {{ segments.ratio(basket_drop_cents, earlier_basket_cents) }}  -- noqa: LT05
        end as basket_drop_share
    from behaviour_inputs
),

behaviour_flagged as (
    select
        *,
        coalesce(
            discounted_order_share > cast({{ promo_min_share }} as {{ segments.type_double() }}), false
        ) as is_promo_driven,
        coalesce(
            is_repeat_buyer
            and earlier_window_orders >= 1
            and (
                recent_to_earlier_orders < cast({{ slipping_order_share }} as {{ segments.type_double() }})
                or coalesce(
                    basket_drop_share > cast({{ slipping_basket_drop }} as {{ segments.type_double() }}), false
                )
            ),
            false
        ) as is_slipping
    from behaviour_measured
),

segmented as (
    -- The first matching rule wins, in the priority order of the seed loyalty_segments.
    select
        *,
        case
            when
                abc_tier in ('{{ ambassador_tiers | join("', '") }}')  -- noqa: LT05
                and is_repeat_buyer
                and (
                    coalesce(last_review_rating >= {{ ambassador_min_rating }}, false)
                    or engagement_score = {{ top_engagement_score }}
                )
                then 'ambassadors'
            when
                lifecycle_stage = 'new_customer'
                and (
                    coalesce(last_review_rating >= {{ newcomer_min_rating }}, false)
                    or engagement_score = {{ top_engagement_score }}
                )
                then 'promising_newcomers'
            when is_slipping then 'slipping_regulars'
            when is_promo_driven then 'promo_hunters'
            when is_repeat_buyer then 'regulars'
            else 'others'
        end as loyalty_segment
    from behaviour_flagged
),

described as (
    select
        segmented.contact_id,

        -- loyalty segment
        segmented.loyalty_segment,
        loyalty_segments.priority as loyalty_segment_priority,
        loyalty_segments.description as loyalty_segment_description,
        loyalty_segments.recommended_action as loyalty_recommended_action,

        -- email reactivity
        segmented.reactivity_window_emails_sent,
        segmented.reactivity_window_email_opens,
        segmented.reactivity_window_email_clicks,
        segmented.opens_per_email_sent,
        segmented.clicks_per_email_sent,

        -- engagement
        segmented.last_engagement_event_at,
        segmented.days_since_last_engagement,
        segmented.preferred_channel,
        segmented.preferred_channel_interactions,
        segmented.scoring_window_engagement_events,
        segmented.engagement_score,

        -- price sensitivity
        segmented.completed_orders,
        segmented.discounted_orders,
        segmented.discounted_order_share,
        segmented.is_promo_driven,

        -- loyalty inputs
        segmented.lifecycle_stage,
        segmented.abc_tier,
        segmented.distinct_order_dates,
        segmented.is_repeat_buyer,
        segmented.rated_reviews,
        segmented.last_review_rating,
        segmented.recent_window_orders,
        segmented.earlier_window_orders,
        segmented.recent_to_earlier_orders,
        segmented.recent_window_revenue,
        segmented.earlier_window_revenue,
        segmented.recent_window_avg_basket,
        segmented.earlier_window_avg_basket,
        segmented.basket_drop_share,
        segmented.is_slipping,

        {{ segments.as_of_date() }} as as_of_date
    from segmented
    left join loyalty_segments
        on segmented.loyalty_segment = loyalty_segments.loyalty_segment
)

select * from described
