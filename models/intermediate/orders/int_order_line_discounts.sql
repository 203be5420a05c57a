{#- The order-level discounts (order_discount_amount: on the whole order, not on a line) shared
    among the order's lines pro rata of their net amount, to the cent, the remainder on the
    largest line: one row per line of an order that has such a discount and a positive net.
    Independent of as_of_date (an order's discount is known when it is placed). -#}
with

order_lines as (
    select * from {{ ref('stg_order_lines') }}
),

order_discounts as (
    -- the order's one value (staging checks that the lines giving it agree)
    select
        order_id,
        max(order_discount_amount) as order_discount_amount
    from order_lines
    where order_discount_amount > 0
    group by order_id
),

discounted_lines as (
    select
        order_lines.order_id,
        order_lines.line_number,
        order_lines.net_amount,
        order_discounts.order_discount_amount
    from order_lines
    inner join order_discounts
        on order_lines.order_id = order_discounts.order_id
    where order_lines.net_amount > 0
),

allocated as (
    {{ segments.allocate_pro_rata(
        'discounted_lines', 'order_discount_amount', 'net_amount', 'order_id', 'line_number'
    ) }}
),

final as (
    select
        order_id,
        line_number,
        allocated_amount as order_discount_amount
    from allocated
)

select * from final
