with

order_lines as (
    select * from {{ ref('int_order_lines') }}
),

final as (
    select
        order_id,
        line_number,
        contact_id,
        product_id,
        order_line_status,
        product_category,
        original_currency,
        fx_rate_to_reporting,
        quantity,
        net_amount,
        revenue_amount,
        ordered_at,
        order_date
    from order_lines
)

select * from final
