{{ config(materialized='table') }}

with

order_lines as (
    select * from {{ ref('stg_order_lines') }}
),

orders as (
    -- Valid lines of one order share contact, time and currency (checked in stg_order_lines__checked).
    select
        -- keys
        order_id,
        min(contact_id) as contact_id,

        -- status, derived from the lines' statuses
        case
            when {{ dbt.bool_or("order_line_status = 'completed'") }} then 'completed'
            when {{ dbt.bool_or("order_line_status = 'pending'") }} then 'pending'
            when {{ dbt.bool_or("order_line_status = 'refunded'") }} then 'refunded'
            else 'cancelled'
        end as order_status,
        {{ dbt.bool_or("order_line_status = 'refunded'") }} as has_refunded_line,

        -- counts
        count(*) as line_count,
        sum(quantity) as item_quantity,

        -- amounts, in the order's currency
        min(currency) as currency,
        min(fx_rate_to_reporting) as fx_rate_to_reporting,
        sum(gross_amount) as gross_amount,
        sum(discount_amount) as discount_amount,
        sum(net_amount) as net_amount,
        sum(case when order_line_status = 'completed' then net_amount else 0 end) as completed_net_amount,
        sum(case when order_line_status = 'refunded' then net_amount else 0 end) as refunded_net_amount,

        -- timestamps, UTC
        min(ordered_at) as ordered_at
    from order_lines
    group by order_id
)

select * from orders
