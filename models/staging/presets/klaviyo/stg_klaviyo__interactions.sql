{{ config(enabled=segments.preset_is_on('klaviyo')) }}
{#- One row per Klaviyo event the preset maps, in the contract's interactions columns, by its
    metric's name (any case): Received Email -> email_sent, Opened Email -> email_open, Clicked
    Email -> email_click, Unsubscribed (any metric whose name starts so: from email marketing, from
    a list) and Marked Email as Spam -> unsubscribe (channel email); Viewed Product and Active on
    Site -> page_view, Started Checkout / Checkout Started -> cart_abandon unless the same profile
    has a Placed Order within var segments_klaviyo_checkout_window_hours (default 24) after it
    (channel web). Placed Order itself and every other metric (bounces, SMS, fulfilment, ...) are
    left out, as are deleted events. -#}
{%- set checkout_window_hours = var('segments_klaviyo_checkout_window_hours', 24) -%}
{%- set timestamp_column = adapter.quote('timestamp') %}

with

events as (
    select * from {{ source('klaviyo', 'event') }}
),

metrics as (
    select * from {{ source('klaviyo', 'metric') }}
),

events_named as (
    select
        events.id as event_id,
        events.person_id,
        events.campaign_id,
        coalesce(events.datetime, events.{{ timestamp_column }}) as occurred_at,
        lower(trim(metrics.name)) as metric_name
    from events
    inner join metrics
        on events.metric_id = metrics.id
    where not coalesce(events._fivetran_deleted, false)
),

events_labelled as (
    select
        event_id,
        person_id,
        campaign_id,
        occurred_at,
        metric_name,
        case
            when metric_name = 'received email' then 'email_sent'
            when metric_name = 'opened email' then 'email_open'
            when metric_name = 'clicked email' then 'email_click'
            when metric_name like 'unsubscribed%' or metric_name = 'marked email as spam' then 'unsubscribe'
            when metric_name in ('viewed product', 'active on site') then 'page_view'
            when metric_name in ('started checkout', 'checkout started') then 'cart_abandon'
        end as interaction_type
    from events_named
),

placed_orders as (
    select
        person_id,
        occurred_at
    from events_named
    where metric_name = 'placed order'
),

completed_checkouts as (
    -- checkouts followed by an order of the same profile within the window: not abandoned
    select distinct events_labelled.event_id
    from events_labelled
    inner join placed_orders
        on
            events_labelled.person_id = placed_orders.person_id
            and events_labelled.occurred_at <= placed_orders.occurred_at
            and {{ dbt.dateadd('hour', checkout_window_hours, 'events_labelled.occurred_at') }}
            >= placed_orders.occurred_at
    where events_labelled.interaction_type = 'cart_abandon'
),

interactions as (
    select
        {{ dbt.concat(["'klaviyo:'", 'events_labelled.event_id']) }} as interaction_id,
        {{ dbt.concat(["'klaviyo:'", 'events_labelled.person_id']) }} as contact_id,
        events_labelled.occurred_at,
        case
            when events_labelled.interaction_type in ('page_view', 'cart_abandon') then 'web'
            else 'email'
        end as channel,
        events_labelled.interaction_type,
        cast(null as {{ dbt.type_string() }}) as topic,
        {{ dbt.concat(["'klaviyo:'", 'events_labelled.campaign_id']) }} as campaign_id,
        cast(null as {{ dbt.type_bigint() }}) as rating
    from events_labelled
    left join completed_checkouts
        on events_labelled.event_id = completed_checkouts.event_id
    where events_labelled.interaction_type is not null and completed_checkouts.event_id is null
)

select * from interactions
