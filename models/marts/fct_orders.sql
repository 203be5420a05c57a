with

orders as (
    select * from {{ ref('stg_orders') }}
),

orders_as_of as (
    -- Point in time: an order placed after as_of_date does not exist yet.
    select
        -- keys
        order_id,
        contact_id,

        -- status
        order_status,
        order_status = 'completed' as is_completed,
        has_refunded_line,

        -- amounts in the reporting currency, rounded to the cent per order
        currency as original_currency,
        fx_rate_to_reporting,
        line_count,
        cast(round(net_amount * fx_rate_to_reporting, 2) as decimal(28, 2)) as net_amount,
        cast(
            case when order_status = 'completed' then round(completed_net_amount * fx_rate_to_reporting, 2) else 0 end
            as decimal(28, 2)
        ) as revenue_amount,
        cast(round(refunded_net_amount * fx_rate_to_reporting, 2) as decimal(28, 2)) as refunded_amount,

        -- timestamps
        ordered_at,
        cast(ordered_at as date) as order_date
    from orders
    where cast(ordered_at as date) <= {{ segments.as_of_date() }}
)

select * from orders_as_of
