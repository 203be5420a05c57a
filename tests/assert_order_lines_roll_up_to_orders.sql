-- The order grain neither loses nor invents lines: the orders' line counts and net amounts add up
-- to the staged lines'. Returns a row when they don't.
with

order_lines as (
    select * from {{ ref('stg_order_lines') }}
),

orders as (
    select * from {{ ref('stg_orders') }}
),

line_totals as (
    select
        count(*) as line_count,
        coalesce(sum(net_amount), 0) as net_amount
    from order_lines
),

order_totals as (
    select
        coalesce(sum(line_count), 0) as line_count,
        coalesce(sum(net_amount), 0) as net_amount
    from orders
)

select
    line_totals.line_count as lines_staged,
    order_totals.line_count as lines_in_orders,
    line_totals.net_amount as net_amount_of_lines,
    order_totals.net_amount as net_amount_of_orders
from line_totals
cross join order_totals
where
    line_totals.line_count != order_totals.line_count
    or line_totals.net_amount != order_totals.net_amount
