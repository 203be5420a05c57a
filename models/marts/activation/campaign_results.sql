{#- One row per campaign (audience and export date): treated against holdout contacts over the
    campaign window (int_campaign_member_outcomes). Conversion (a completed order in the window),
    orders and revenue per contact, unsubscribes; the absolute lift (treated - holdout) and the
    relative lift (/ holdout); normal-approximation confidence intervals (critical value var
    segments_campaign_ci_z, 95 %) for the difference in conversion rates (unpooled standard error)
    and in revenue per contact (Welch's unequal-variance standard error). -#}
{%- set window_days = var('segments_campaign_window_days') -%}
{%- set min_group_contacts = var('segments_campaign_min_group_contacts') -%}
{%- set min_conversions = var('segments_campaign_min_conversions') -%}
{%- set z = var('segments_campaign_ci_z') -%}
{%- set double = segments.type_double() -%}

with

campaign_member_outcomes as (
    select * from {{ ref('int_campaign_member_outcomes') }}
),

campaigns as (
    select
        audience_name,
        campaign_date,
        max(campaign_exports) as campaign_exports,
        min(first_exported_at) as first_exported_at,
        max(window_end_date) as window_end_date,
        max(observed_until) as observed_until,
        max(as_of_date) as as_of_date
    from campaign_member_outcomes
    group by audience_name, campaign_date
),

group_outcomes as (
    select
        audience_name,
        campaign_date,
        campaign_group,
        count(*) as contacts,
        sum(case when is_converted then 1 else 0 end) as converted_contacts,
        sum(completed_orders) as completed_orders,
        sum(revenue_amount) as revenue_amount,
        var_samp(cast(revenue_amount as {{ double }})) as revenue_variance,
        sum(case when is_unsubscribed then 1 else 0 end) as unsubscribed_contacts
    from campaign_member_outcomes
    group by audience_name, campaign_date, campaign_group
),

groups_side_by_side as (
    select
        campaigns.audience_name,
        campaigns.campaign_date,
        campaigns.campaign_exports,
        campaigns.first_exported_at,
        campaigns.window_end_date,
        campaigns.observed_until,
        campaigns.as_of_date,
        coalesce(treated.contacts, 0) as treated_contacts,
        coalesce(holdout.contacts, 0) as holdout_contacts,
        coalesce(treated.converted_contacts, 0) as treated_converted_contacts,
        coalesce(holdout.converted_contacts, 0) as holdout_converted_contacts,
        {{ segments.ratio('treated.converted_contacts', 'treated.contacts') }} as treated_conversion_rate,
        {{ segments.ratio('holdout.converted_contacts', 'holdout.contacts') }} as holdout_conversion_rate,
        {{ segments.ratio('treated.completed_orders', 'treated.contacts') }} as treated_orders_per_contact,
        {{ segments.ratio('holdout.completed_orders', 'holdout.contacts') }} as holdout_orders_per_contact,
        {{ segments.ratio('treated.revenue_amount', 'treated.contacts') }} as treated_revenue_per_contact,
        {{ segments.ratio('holdout.revenue_amount', 'holdout.contacts') }} as holdout_revenue_per_contact,
        treated.revenue_variance as treated_revenue_variance,
        holdout.revenue_variance as holdout_revenue_variance,
        {{ segments.ratio('treated.unsubscribed_contacts', 'treated.contacts') }} as treated_unsubscribe_rate,
        {{ segments.ratio('holdout.unsubscribed_contacts', 'holdout.contacts') }} as holdout_unsubscribe_rate
    from campaigns
    left join group_outcomes as treated
        on
            campaigns.audience_name = treated.audience_name
            and campaigns.campaign_date = treated.campaign_date
            and treated.campaign_group = 'treated'
    left join group_outcomes as holdout
        on
            campaigns.audience_name = holdout.audience_name
            and campaigns.campaign_date = holdout.campaign_date
            and holdout.campaign_group = 'holdout'
),

lifts as (
    select
        *,
        treated_conversion_rate - holdout_conversion_rate as conversion_rate_lift,
        treated_orders_per_contact - holdout_orders_per_contact as orders_per_contact_lift,
        treated_revenue_per_contact - holdout_revenue_per_contact as revenue_per_contact_lift,
        treated_unsubscribe_rate - holdout_unsubscribe_rate as unsubscribe_rate_lift,
        -- unpooled standard error of the difference in proportions
        sqrt(
            treated_conversion_rate * (1 - treated_conversion_rate) / nullif(treated_contacts, 0)
            + holdout_conversion_rate * (1 - holdout_conversion_rate) / nullif(holdout_contacts, 0)
        ) as conversion_rate_lift_se,
        -- Welch: each group's own sample variance
        sqrt(
            treated_revenue_variance / nullif(treated_contacts, 0)
            + holdout_revenue_variance / nullif(holdout_contacts, 0)
        ) as revenue_per_contact_lift_se
    from groups_side_by_side
),

results as (
    select
        audience_name,
        campaign_date,
        campaign_exports,
        first_exported_at,
        {{ window_days }} as window_days,
        window_end_date,
        observed_until,
        case
            when observed_until < campaign_date then 0
            else {{ segments.days_between('campaign_date', 'observed_until') }}
        end as observed_days,
        window_end_date <= as_of_date as window_complete,
        treated_contacts,
        holdout_contacts,
        treated_converted_contacts,
        holdout_converted_contacts,
        treated_conversion_rate,
        holdout_conversion_rate,
        conversion_rate_lift,
        {{ segments.ratio('conversion_rate_lift', 'holdout_conversion_rate') }} as conversion_rate_relative_lift,
        conversion_rate_lift - {{ z }} * conversion_rate_lift_se as conversion_rate_lift_ci_lower,
        conversion_rate_lift + {{ z }} * conversion_rate_lift_se as conversion_rate_lift_ci_upper,
        treated_orders_per_contact,
        holdout_orders_per_contact,
        orders_per_contact_lift,
        {{ segments.ratio('orders_per_contact_lift', 'holdout_orders_per_contact') }}
            as orders_per_contact_relative_lift,
        treated_revenue_per_contact,
        holdout_revenue_per_contact,
        revenue_per_contact_lift,
        {{ segments.ratio('revenue_per_contact_lift', 'holdout_revenue_per_contact') }}
            as revenue_per_contact_relative_lift,
        revenue_per_contact_lift - {{ z }} * revenue_per_contact_lift_se as revenue_per_contact_lift_ci_lower,
        revenue_per_contact_lift + {{ z }} * revenue_per_contact_lift_se as revenue_per_contact_lift_ci_upper,
        treated_unsubscribe_rate,
        holdout_unsubscribe_rate,
        unsubscribe_rate_lift,
        case
            when
                treated_contacts < {{ min_group_contacts }}
                or holdout_contacts < {{ min_group_contacts }}
                or treated_converted_contacts + holdout_converted_contacts < {{ min_conversions }}
                then 'not enough data'
            when
                conversion_rate_lift - {{ z }} * conversion_rate_lift_se > 0
                or conversion_rate_lift + {{ z }} * conversion_rate_lift_se < 0
                then 'significant'
            else 'not significant'
        end as significance,
        as_of_date
    from lifts
)

select * from results
