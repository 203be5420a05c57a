{#- The order lines as of as_of_date, in the reporting currency, of known contacts: the one
    point-in-time filter on orders, which every order fact reads. A guest line (no contact_id) goes
    to the contact its email matches (int_guest_order_contacts). A line whose contact is not a
    staged contact is left out here (int_order_lines_without_contact lists it). Its revenue is its
    net amount less its share of the order-level discount, less the refunds dated on or before
    as_of_date: a later refund does not exist yet. -#}
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

line_discounts as (
    select * from {{ ref('int_order_line_discounts') }}
),

line_refunds as (
    select * from {{ ref('int_order_line_refunds') }}
),

refunds_as_of as (
    -- Point in time: a refund issued after as_of_date has not happened yet.
    select
        order_id,
        line_number,
        sum(refund_amount) as refunded_amount
    from line_refunds
    where cast(refunded_at as date) <= {{ segments.as_of_date() }}
    group by order_id, line_number
),

lines_with_buyer as (
    select
        order_lines.*,
        coalesce(order_lines.contact_id, guest_orders.contact_id) as buyer_contact_id,
        -- in the order's currency
        order_lines.net_amount - coalesce(line_discounts.order_discount_amount, 0) as sold_amount,
        coalesce(line_discounts.order_discount_amount, 0) as allocated_order_discount,
        coalesce(refunds_as_of.refunded_amount, 0) as refunded_amount
    from order_lines
    left join guest_orders
        on order_lines.contact_id is null and order_lines.order_id = guest_orders.order_id
    left join line_discounts
        on
            order_lines.order_id = line_discounts.order_id
            and order_lines.line_number = line_discounts.line_number
    left join refunds_as_of
        on
            order_lines.order_id = refunds_as_of.order_id
            and order_lines.line_number = refunds_as_of.line_number
),

lines_as_of as (
    -- Point in time: a line of an order placed after as_of_date does not exist yet.
    select
        -- keys
        order_id,
        line_number,
        buyer_contact_id as contact_id,
        contact_id is null as is_guest_checkout,
        product_id,

        -- labels
        order_line_status,
        product_category,

        -- amounts in the reporting currency, rounded to the cent per line
        currency as original_currency,
        fx_rate_to_reporting,
        quantity,
        cast(round(sold_amount * fx_rate_to_reporting, 2) as decimal(28, 2)) as net_amount,
        cast(
            case
                when order_line_status = 'completed'
                    then round(sold_amount * fx_rate_to_reporting, 2) - round(refunded_amount * fx_rate_to_reporting, 2)
                else 0
            end
            as decimal(28, 2)
        ) as revenue_amount,
        cast(round(refunded_amount * fx_rate_to_reporting, 2) as decimal(28, 2)) as refunded_amount,
        -- in the order's currency: an order's discount, shipping and tax are converted once, on
        -- its totals (int_orders)
        cast(discount_amount + allocated_order_discount as decimal(28, 6)) as original_discount_amount,
        shipping_amount as original_shipping_amount,
        tax_amount as original_tax_amount,

        -- timestamps
        ordered_at,
        cast(ordered_at as date) as order_date
    from lines_with_buyer
    where
        cast(ordered_at as date) <= {{ segments.as_of_date() }}
        and buyer_contact_id in (select contacts.contact_id from contacts)
)

select * from lines_as_of
