{#- One row per suppression reason, and one row 'all': how many addresses and contacts are
    suppressed and why, for `segments summary` and `segments report` to render. -#}
with

email_suppressions as (
    select * from {{ ref('email_suppressions') }}
),

contacts as (
    select * from {{ ref('dim_contacts') }}
),

suppressed_contacts as (
    select
        email_suppressions.suppression_reason,
        contacts.contact_id,
        -- what the point-in-time consent alone would have let through
        coalesce(contacts.email_opt_in, false) and not contacts.is_unsubscribed as is_otherwise_reachable
    from contacts
    inner join email_suppressions
        on contacts.email = email_suppressions.email
),

addresses_per_reason as (
    select
        suppression_reason,
        count(*) as addresses
    from email_suppressions
    group by suppression_reason
),

contacts_per_reason as (
    select
        suppression_reason,
        count(*) as contacts,
        sum(case when is_otherwise_reachable then 1 else 0 end) as contacts_otherwise_reachable
    from suppressed_contacts
    group by suppression_reason
),

per_reason as (
    select
        addresses_per_reason.suppression_reason,
        addresses_per_reason.addresses,
        coalesce(contacts_per_reason.contacts, 0) as contacts,
        coalesce(contacts_per_reason.contacts_otherwise_reachable, 0) as contacts_otherwise_reachable
    from addresses_per_reason
    left join contacts_per_reason
        on addresses_per_reason.suppression_reason = contacts_per_reason.suppression_reason
),

all_addresses as (
    select count(*) as addresses
    from email_suppressions
),

all_contacts as (
    select
        count(*) as contacts,
        coalesce(sum(case when is_otherwise_reachable then 1 else 0 end), 0) as contacts_otherwise_reachable
    from suppressed_contacts
),

all_reasons as (
    select
        'all' as suppression_reason,
        all_addresses.addresses,
        all_contacts.contacts,
        all_contacts.contacts_otherwise_reachable
    from all_addresses
    cross join all_contacts
),

report as (
    select * from per_reason
    union all
    select * from all_reasons
)

select
    suppression_reason,
    cast(addresses as bigint) as addresses,
    cast(contacts as bigint) as contacts,
    cast(contacts_otherwise_reachable as bigint) as contacts_otherwise_reachable
from report
