{{ config(enabled=segments.preset_is_on('hubspot')) }}
{#- One row per HubSpot email event the preset maps, with its recipient's normalised address:
    SENT -> email_sent, OPEN -> email_open, CLICK -> email_click (the opens and clicks HubSpot
    filters out of its reporting, filtered_event true, are left out), STATUSCHANGE to UNSUBSCRIBED
    (portal-wide, or any subscription type in the change) and SPAMREPORT -> unsubscribe. Every other
    type (DELIVERED, PROCESSED, DEFERRED, BOUNCE, DROPPED, PRINT, FORWARD, SUPPRESSED, a status change
    to SUBSCRIBED or a bounce) is left out. stg_hubspot__contacts and stg_hubspot__interactions read it. -#}

with

email_events as (
    select * from {{ source('hubspot', 'email_event') }}
),

status_changes as (
    select * from {{ source('hubspot', 'email_event_status_change') }}
),

events_labelled as (
    select
        email_events.id as event_id,
        lower(trim(email_events.recipient)) as recipient_email,
        email_events.created as occurred_at,
        cast(email_events.email_campaign_id as {{ dbt.type_string() }}) as email_campaign_id,
        case
            when email_events.type = 'SENT' then 'email_sent'
            when email_events.type = 'OPEN' and not coalesce(email_events.filtered_event, false)
                then 'email_open'
            when email_events.type = 'CLICK' and not coalesce(email_events.filtered_event, false)
                then 'email_click'
            when email_events.type = 'SPAMREPORT' then 'unsubscribe'
            when
                email_events.type = 'STATUSCHANGE'
                and (
                    upper(status_changes.portal_subscription_status) = 'UNSUBSCRIBED'
                    or upper(status_changes.subscriptions) like '%UNSUBSCRIBED%'
                )
                then 'unsubscribe'
        end as interaction_type
    from email_events
    left join status_changes
        on email_events.id = status_changes.id
),

mapped_events as (
    select
        event_id,
        recipient_email,
        occurred_at,
        email_campaign_id,
        interaction_type
    from events_labelled
    where interaction_type is not null and recipient_email is not null and recipient_email <> ''
)

select * from mapped_events
