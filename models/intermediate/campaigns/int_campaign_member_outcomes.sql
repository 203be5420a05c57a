{#- One row per campaign (audience and export date) and contact logged with it: its group and what
    it did in the campaign window, the var segments_campaign_window_days days after the export's
    as_of_date (the export date excluded), observed up to as_of_date at most. Several exports of one
    audience on one date (a file per platform, a sync) are one campaign; a contact logged treated
    by any of them is treated. -#}
{%- set window_days = var('segments_campaign_window_days') -%}

with

campaign_exports as (
    select * from {{ ref('stg_campaign_exports') }}
),

campaign_members as (
    select * from {{ ref('stg_campaign_members') }}
),

orders as (
    select * from {{ ref('int_orders') }}
),

interactions as (
    select * from {{ ref('int_interactions') }}
),

campaigns as (
    select
        audience_name,
        export_as_of_date as campaign_date,
        count(*) as campaign_exports,
        min(exported_at) as first_exported_at,
        cast({{ dbt.dateadd('day', window_days, 'export_as_of_date') }} as date) as window_end_date
    from campaign_exports
    group by audience_name, export_as_of_date
),

campaign_contacts as (
    select
        campaign_exports.audience_name,
        campaign_exports.export_as_of_date as campaign_date,
        campaign_members.contact_id,
        max(case when campaign_members.campaign_group = 'treated' then 1 else 0 end) as is_treated_flag
    from campaign_members
    inner join campaign_exports
        on campaign_members.export_id = campaign_exports.export_id
    group by campaign_exports.audience_name, campaign_exports.export_as_of_date, campaign_members.contact_id
),

campaign_windows as (
    select
        campaign_contacts.audience_name,
        campaign_contacts.campaign_date,
        campaign_contacts.contact_id,
        case when campaign_contacts.is_treated_flag = 1 then 'treated' else 'holdout' end as campaign_group,
        campaigns.campaign_exports,
        campaigns.first_exported_at,
        campaigns.window_end_date,
        case
            when campaigns.window_end_date < {{ segments.as_of_date() }} then campaigns.window_end_date
            else {{ segments.as_of_date() }}
        end as observed_until
    from campaign_contacts
    inner join campaigns
        on
            campaign_contacts.audience_name = campaigns.audience_name
            and campaign_contacts.campaign_date = campaigns.campaign_date
),

orders_in_window as (
    select
        campaign_windows.audience_name,
        campaign_windows.campaign_date,
        campaign_windows.contact_id,
        count(*) as completed_orders,
        sum(orders.revenue_amount) as revenue_amount
    from campaign_windows
    inner join orders
        on
            campaign_windows.contact_id = orders.contact_id
            and campaign_windows.campaign_date < orders.order_date
            and campaign_windows.observed_until >= orders.order_date
    where orders.is_completed
    group by campaign_windows.audience_name, campaign_windows.campaign_date, campaign_windows.contact_id
),

unsubscribes_in_window as (
    select
        campaign_windows.audience_name,
        campaign_windows.campaign_date,
        campaign_windows.contact_id,
        count(*) as unsubscribes
    from campaign_windows
    inner join interactions
        on
            campaign_windows.contact_id = interactions.contact_id
            and campaign_windows.campaign_date < interactions.occurred_on
            and campaign_windows.observed_until >= interactions.occurred_on
    where interactions.interaction_type = 'unsubscribe'
    group by campaign_windows.audience_name, campaign_windows.campaign_date, campaign_windows.contact_id
),

member_outcomes as (
    select
        campaign_windows.audience_name,
        campaign_windows.campaign_date,
        campaign_windows.contact_id,
        campaign_windows.campaign_group,
        campaign_windows.campaign_exports,
        campaign_windows.first_exported_at,
        campaign_windows.window_end_date,
        campaign_windows.observed_until,
        coalesce(orders_in_window.completed_orders, 0) as completed_orders,
        coalesce(orders_in_window.revenue_amount, 0) as revenue_amount,
        coalesce(orders_in_window.completed_orders, 0) > 0 as is_converted,
        coalesce(unsubscribes_in_window.unsubscribes, 0) > 0 as is_unsubscribed,
        {{ segments.as_of_date() }} as as_of_date
    from campaign_windows
    left join orders_in_window
        on
            campaign_windows.audience_name = orders_in_window.audience_name
            and campaign_windows.campaign_date = orders_in_window.campaign_date
            and campaign_windows.contact_id = orders_in_window.contact_id
    left join unsubscribes_in_window
        on
            campaign_windows.audience_name = unsubscribes_in_window.audience_name
            and campaign_windows.campaign_date = unsubscribes_in_window.campaign_date
            and campaign_windows.contact_id = unsubscribes_in_window.contact_id
)

select * from member_outcomes
