{#- One row per order as of as_of_date: its lines rolled up. Valid lines of one order share
    contact, time and currency (checked in stg_order_lines__checked). -#}
with

order_lines as (
    select * from {{ ref('int_order_lines') }}
),

orders as (
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
        {{ dbt.bool_or("is_guest_checkout") }} as is_guest_checkout,

        -- amounts in the reporting currency: the sums of the lines' amounts, each rounded to the
        -- cent, so revenue reconciles to the cent at every grain
        min(original_currency) as original_currency,
        min(fx_rate_to_reporting) as fx_rate_to_reporting,
        count(*) as line_count,
        sum(net_amount) as net_amount,
        sum(revenue_amount) as revenue_amount,
        -- refunded lines, and refunds issued on or before as_of_date
        sum(case when order_line_status = 'refunded' then net_amount else 0 end) + sum(refunded_amount)
            as refunded_amount,
        -- converted once, on the order's totals: line and order-level discounts, shipping, tax
        cast(
            round(sum(original_discount_amount) * min(fx_rate_to_reporting), 2) as decimal(28, 2)
        ) as discount_amount,
        cast(
            round(max(original_shipping_amount) * min(fx_rate_to_reporting), 2) as decimal(28, 2)
        ) as shipping_amount,
        cast(round(max(original_tax_amount) * min(fx_rate_to_reporting), 2) as decimal(28, 2)) as tax_amount,

        -- timestamps
        min(ordered_at) as ordered_at
    from order_lines
    group by order_id
),

final as (
    select
        order_id,
        contact_id,
        order_status,
        order_status = 'completed' as is_completed,
        has_refunded_line,
        is_guest_checkout,
        original_currency,
        fx_rate_to_reporting,
        line_count,
        net_amount,
        revenue_amount,
        refunded_amount,
        discount_amount,
        shipping_amount,
        tax_amount,
        ordered_at,
        cast(ordered_at as date) as order_date
    from orders
)

select * from final
