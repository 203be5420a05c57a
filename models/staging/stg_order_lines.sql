with

checked_order_lines as (
    select * from {{ ref('stg_order_lines__checked') }}
),

valid_order_lines as (
    select
        -- keys
        order_id,
        line_number,
        contact_id,
        product_id,

        -- labels
        order_line_status,
        product_category,
        currency,
        fx_rate_to_reporting,

        -- amounts, in the line's currency
        quantity,
        unit_price,
        discount_amount,
        gross_amount,
        net_amount,

        -- timestamps, UTC
        ordered_at,

        -- lineage
        collapsed_duplicates
    from checked_order_lines
    where quarantine_reason is null
)

select * from valid_order_lines
