{#- One row per guest order (its lines have no contact_id, only the buyer's contact_email): the
    contact it belongs to, the one valid contact whose email that is. No contact with that email,
    or several: contact_id is null and match_status says which (the order's lines are then listed
    in int_order_lines_without_contact, never counted). A match across two sources, so it is made
    here, not in staging: a contact loaded later brings its guest orders in on the next build. -#}
with

order_lines as (
    select * from {{ ref('stg_order_lines') }}
),

contacts as (
    select * from {{ ref('stg_contacts') }}
),

guest_orders as (
    select
        order_id,
        min(contact_email) as contact_email
    from order_lines
    where contact_id is null
    group by order_id
),

contact_emails as (
    select
        email,
        min(contact_id) as contact_id,
        count(*) as contacts_with_email
    from contacts
    where email is not null
    group by email
),

final as (
    select
        guest_orders.order_id,
        guest_orders.contact_email,
        case when contact_emails.contacts_with_email = 1 then contact_emails.contact_id end as contact_id,
        case
            when contact_emails.contacts_with_email = 1 then 'matched'
            when contact_emails.contacts_with_email > 1 then 'ambiguous_guest_email'
            else 'unmatched_guest_email'
        end as match_status
    from guest_orders
    left join contact_emails
        on guest_orders.contact_email = contact_emails.email
)

select * from final
