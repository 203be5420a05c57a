{#- What each valid completed order line sold for, in its order's currency: its net amount less
    its share of the order-level discount (int_order_line_discounts). What refunds are checked
    against and shared by. Independent of as_of_date. -#}
with

order_lines as (
    select * from {{ ref('stg_order_lines') }}
),

line_discounts as (
    select * from {{ ref('int_order_line_discounts') }}
),

final as (
    select
        order_lines.order_id,
        order_lines.line_number,
        order_lines.net_amount - coalesce(line_discounts.order_discount_amount, 0) as sold_amount
    from order_lines
    left join line_discounts
        on
            order_lines.order_id = line_discounts.order_id
            and order_lines.line_number = line_discounts.line_number
    where order_lines.order_line_status = 'completed'
)

select * from final
