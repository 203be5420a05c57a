{#- One row per valid refund (stg_refunds) with the reason it cannot apply, if any: its order is
    not a valid order or its line not a line of that order (unknown_order), or the refunds of its
    order, or of its line, add up to more than they sold for after discounts (refund_exceeds_sale:
    then none of them applies). Null: the refund applies from its date on. Checks across two
    sources (refunds and orders), so made here, not in staging. -#}
with

refunds as (
    select * from {{ ref('stg_refunds') }}
),

order_lines as (
    select * from {{ ref('stg_order_lines') }}
),

sold_lines as (
    select * from {{ ref('int_order_line_sales') }}
),

staged_orders as (
    select distinct order_id
    from order_lines
),

targets as (
    select
        refunds.refund_id,
        refunds.order_id,
        refunds.line_number,
        refunds.refund_amount,
        case
            when staged_orders.order_id is null then 'unknown_order'
            when refunds.line_number is not null and staged_lines.order_id is null then 'unknown_order'
        end as target_reason
    from refunds
    left join staged_orders
        on refunds.order_id = staged_orders.order_id
    left join order_lines as staged_lines
        on
            refunds.order_id = staged_lines.order_id
            and refunds.line_number = staged_lines.line_number
),

order_sales as (
    select
        order_id,
        sum(sold_amount) as sold_amount
    from sold_lines
    group by order_id
),

order_refund_totals as (
    select
        order_id,
        sum(refund_amount) as refund_amount
    from targets
    where target_reason is null
    group by order_id
),

line_refund_totals as (
    select
        order_id,
        line_number,
        sum(refund_amount) as refund_amount
    from targets
    where target_reason is null and line_number is not null
    group by order_id, line_number
),

excess_orders as (
    -- orders whose refunds exceed the sale, in total or on one line (an unsold line sold 0)
    select order_refund_totals.order_id
    from order_refund_totals
    left join order_sales
        on order_refund_totals.order_id = order_sales.order_id
    where order_refund_totals.refund_amount > coalesce(order_sales.sold_amount, 0)

    union

    select line_refund_totals.order_id
    from line_refund_totals
    left join sold_lines
        on
            line_refund_totals.order_id = sold_lines.order_id
            and line_refund_totals.line_number = sold_lines.line_number
    where line_refund_totals.refund_amount > coalesce(sold_lines.sold_amount, 0)
),

final as (
    select
        targets.refund_id,
        case
            when targets.target_reason is not null then targets.target_reason
            when excess_orders.order_id is not null then 'refund_exceeds_sale'
        end as quarantine_reason
    from targets
    left join excess_orders
        on targets.order_id = excess_orders.order_id
)

select * from final
