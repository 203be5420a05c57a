{#- The contacts known on as_of_date, with their attributes, consent and whether they are
    customers: what every per-contact model starts from. dim_contacts publishes it. -#}
with

contacts as (
    select * from {{ ref('stg_contacts') }}
),

contact_order_facts as (
    select * from {{ ref('int_contact_order_facts') }}
),

contact_engagement_facts as (
    select * from {{ ref('int_contact_engagement_facts') }}
),

email_suppressions as (
    select * from {{ ref('int_email_suppressions') }}
),

contacts_as_of as (
    -- Point in time: a contact exists once created, or once it ordered or interacted (CRM imports
    -- often create contacts after their first order).
    select
        -- keys
        contacts.contact_id,

        -- attributes
        contacts.email,
        contacts.first_name,
        contacts.last_name,
        contacts.company_name,
        contacts.job_title,
        contacts.industry,
        contacts.company_size,
        contacts.country,
        contacts.acquisition_channel,

        -- consent: as of as_of_date, and the address's current suppression (any record, now)
        contacts.email_opt_in,
        coalesce(contact_engagement_facts.is_unsubscribed, false) as is_unsubscribed,
        email_suppressions.email is not null as is_email_suppressed,
        coalesce(contacts.email_opt_in, false)
        and not coalesce(contact_engagement_facts.is_unsubscribed, false)
        and contacts.email is not null
        and email_suppressions.email is null as is_email_reachable,

        -- status
        coalesce(contact_order_facts.is_customer, false) as is_customer,

        -- timestamps
        contacts.created_at,
        contacts.updated_at
    from contacts
    left join contact_order_facts
        on contacts.contact_id = contact_order_facts.contact_id
    left join contact_engagement_facts
        on contacts.contact_id = contact_engagement_facts.contact_id
    left join email_suppressions
        on contacts.email = email_suppressions.email
    where
        cast(contacts.created_at as date) <= {{ segments.as_of_date() }}
        or contact_order_facts.contact_id is not null
        or contact_engagement_facts.contact_id is not null
)

select * from contacts_as_of
