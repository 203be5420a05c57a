{#- The order lines as of as_of_date, in the reporting currency, of known contacts: the one
    point-in-time filter on orders, which every order fact reads. A line whose contact is not a
    staged contact is left out here (int_order_lines_without_contact lists it). -#}
with

order_lines as (
    select * from {{ ref('stg_order_lines') }}
),

contacts as (
    select * from {{ ref('stg_contacts') }}
),

lines_as_of as (
    -- Point in time: a line of an order placed after as_of_date does not exist yet.
    select
        -- keys
        order_id,
        line_number,
        contact_id,
        product_id,

        -- labels
        order_line_status,
        product_category,

        -- amounts in the reporting currency, rounded to the cent per line
        currency as original_currency,
        fx_rate_to_reporting,
        quantity,
        cast(round(net_amount * fx_rate_to_reporting, 2) as decimal(28, 2)) as net_amount,
        cast(
            case when order_line_status = 'completed' then round(net_amount * fx_rate_to_reporting, 2) else 0 end
            as decimal(28, 2)
        ) as revenue_amount,
        -- in the order's currency: an order's discount is converted once, on its total
        discount_amount as original_discount_amount,

        -- timestamps
        ordered_at,
        cast(ordered_at as date) as order_date
    from order_lines
    where
        cast(ordered_at as date) <= {{ segments.as_of_date() }}
        and contact_id in (select contacts.contact_id from contacts)
)

select * from lines_as_of
