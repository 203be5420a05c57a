{#- The staged order lines whose contact is not a staged contact, whatever their date: the contact
    id they name is absent from contacts or quarantined there (unknown_contact), or, on a guest
    line (no contact_id), its email is the email of no valid contact (unmatched_guest_email) or of
    several (ambiguous_guest_email). Kept in staging, left out of every order fact
    (int_order_lines). Whether a line's contact exists is a check across two sources, so it is made
    here rather than in staging: a contact that arrives later brings its lines in on the next build
    with nothing to check again. -#}
with

order_lines as (
    select * from {{ ref('stg_order_lines') }}
),

contacts as (
    select * from {{ ref('stg_contacts') }}
),

guest_orders as (
    select * from {{ ref('int_guest_order_contacts') }}
),

without_contact as (
    select
        'orders' as source_table,
        {{ dbt.concat(['order_lines.order_id', "'#'", 'order_lines.line_number']) }} as record_key,
        case
            when order_lines.contact_id is not null then 'unknown_contact'
            when guest_orders.match_status = 'matched' then 'unknown_contact'
            else guest_orders.match_status
        end as quarantine_reason,
        order_lines.order_id,
        order_lines.line_number,
        order_lines.contact_id,
        order_lines.contact_email,
        order_lines.ordered_at,
        order_lines.collapsed_duplicates
    from order_lines
    left join guest_orders
        on order_lines.contact_id is null and order_lines.order_id = guest_orders.order_id
    left join contacts
        on coalesce(order_lines.contact_id, guest_orders.contact_id) = contacts.contact_id
    where contacts.contact_id is null
)

select * from without_contact
