{#- The staged interactions whose contact is not a staged contact (absent from contacts, or
    quarantined there), whatever their date: kept in staging, left out of every interaction fact
    (int_interactions). The check spans two sources, so it is made here rather than in staging. -#}
with

interactions as (
    select * from {{ ref('stg_interactions') }}
),

contacts as (
    select * from {{ ref('stg_contacts') }}
),

without_contact as (
    select
        'interactions' as source_table,
        interactions.interaction_id as record_key,
        'unknown_contact' as quarantine_reason,
        interactions.interaction_id,
        interactions.contact_id,
        interactions.occurred_at,
        interactions.collapsed_duplicates
    from interactions
    left join contacts
        on interactions.contact_id = contacts.contact_id
    where contacts.contact_id is null
)

select * from without_contact
