{#- The valid refunds (stg_refunds) as amounts per refund and order line, in the order's currency,
    whatever their date (int_order_lines applies those dated on or before as_of_date). A line
    refund falls on its line; a refund of the whole order is shared among its completed lines pro
    rata of what each still has to refund (sold after discounts, less its line refunds), to the
    cent. Refunds that cannot apply are in int_refunds_not_applied instead. -#}
with

refunds as (
    select * from {{ ref('stg_refunds') }}
),

refund_checks as (
    select * from {{ ref('int_refund_checks') }}
),

sold_lines as (
    select * from {{ ref('int_order_line_sales') }}
),

applied_refunds as (
    -- amounts to the cent, as money is refunded
    select
        refunds.refund_id,
        refunds.order_id,
        refunds.line_number,
        refunds.refunded_at,
        cast(round(refunds.refund_amount, 2) as decimal(28, 2)) as refund_amount
    from refunds
    inner join refund_checks
        on refunds.refund_id = refund_checks.refund_id
    where refund_checks.quarantine_reason is null
),

line_refunds as (
    select
        refund_id,
        order_id,
        line_number,
        refunded_at,
        refund_amount
    from applied_refunds
    where line_number is not null
),

refundable_lines as (
    -- what each completed line has left to refund once its own line refunds are taken
    select
        sold_lines.order_id,
        sold_lines.line_number,
        sold_lines.sold_amount - coalesce(sum(line_refunds.refund_amount), 0) as refundable_amount
    from sold_lines
    left join line_refunds
        on
            sold_lines.order_id = line_refunds.order_id
            and sold_lines.line_number = line_refunds.line_number
    group by sold_lines.order_id, sold_lines.line_number, sold_lines.sold_amount
),

order_refund_shares as (
    select
        applied_refunds.refund_id,
        applied_refunds.order_id,
        refundable_lines.line_number,
        applied_refunds.refunded_at,
        applied_refunds.refund_amount,
        refundable_lines.refundable_amount
    from applied_refunds
    inner join refundable_lines
        on applied_refunds.order_id = refundable_lines.order_id
    where applied_refunds.line_number is null and refundable_lines.refundable_amount > 0
),

allocated_order_refunds as (
    {{ segments.allocate_pro_rata(
        'order_refund_shares', 'refund_amount', 'refundable_amount', 'refund_id', 'line_number'
    ) }}
),

final as (
    select
        refund_id,
        order_id,
        line_number,
        refunded_at,
        refund_amount
    from line_refunds

    union all

    select
        refund_id,
        order_id,
        line_number,
        refunded_at,
        allocated_amount as refund_amount
    from allocated_order_refunds
)

select * from final
