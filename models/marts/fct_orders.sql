with

orders as (
    select * from {{ ref('stg_orders') }}
),

order_lines as (
    select * from {{ ref('fct_order_lines') }}
),

line_totals as (
    -- Order amounts are the sums of the lines' amounts, each rounded to the cent, so revenue
    -- reconciles to the cent at every grain.
    select
        order_id,
        sum(net_amount) as net_amount,
        sum(revenue_amount) as revenue_amount,
        sum(case when order_line_status = 'refunded' then net_amount else 0 end) as refunded_amount
    from order_lines
    group by order_id
),

orders_as_of as (
    select
        -- keys
        orders.order_id,
        orders.contact_id,

        -- status
        orders.order_status,
        orders.order_status = 'completed' as is_completed,
        orders.has_refunded_line,

        -- amounts in the reporting currency
        orders.currency as original_currency,
        orders.fx_rate_to_reporting,
        orders.line_count,
        line_totals.net_amount,
        line_totals.revenue_amount,
        line_totals.refunded_amount,
        cast(round(orders.discount_amount * orders.fx_rate_to_reporting, 2) as decimal(28, 2)) as discount_amount,

        -- timestamps
        orders.ordered_at,
        cast(orders.ordered_at as date) as order_date
    from orders
    inner join line_totals
        on orders.order_id = line_totals.order_id
)

select * from orders_as_of
