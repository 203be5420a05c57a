{#- The staged order lines whose contact is not a staged contact (absent from contacts, or
    quarantined there), whatever their date: kept in staging, left out of every order fact
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

without_contact as (
    select
        'orders' as source_table,
        {{ dbt.concat(['order_lines.order_id', "'#'", 'order_lines.line_number']) }} as record_key,
        'unknown_contact' as quarantine_reason,
        order_lines.order_id,
        order_lines.line_number,
        order_lines.contact_id,
        order_lines.ordered_at,
        order_lines.collapsed_duplicates
    from order_lines
    left join contacts
        on order_lines.contact_id = contacts.contact_id
    where contacts.contact_id is null
)

select * from without_contact
