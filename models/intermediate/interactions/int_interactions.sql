{#- The interactions of known contacts that happened on or before as_of_date: the one
    point-in-time filter on interactions, which every interaction fact reads. An interaction whose
    contact is not a staged contact is left out here (int_interactions_without_contact lists it). -#}
with

interactions as (
    select * from {{ ref('stg_interactions') }}
),

contacts as (
    select * from {{ ref('stg_contacts') }}
),

interactions_as_of as (
    -- Point in time: an interaction after as_of_date has not happened yet.
    select
        interaction_id,
        contact_id,
        campaign_id,
        channel,
        interaction_type,
        topic,
        rating,
        occurred_at,
        cast(occurred_at as date) as occurred_on
    from interactions
    where
        cast(occurred_at as date) <= {{ segments.as_of_date() }}
        and contact_id in (select contacts.contact_id from contacts)
)

select * from interactions_as_of
