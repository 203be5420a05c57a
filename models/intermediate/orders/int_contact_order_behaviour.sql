{%- set window_days = var('segments_loyalty_slipping_window_days') -%}

with

orders as (
    select * from {{ ref('int_orders') }}
),

completed_orders as (
    -- int_orders is point in time already (orders on or before as_of_date).
    select
        contact_id,
        order_id,
        revenue_amount,
        coalesce(discount_amount, 0) > 0 as has_discount,
        {{ segments.days_between('order_date', segments.as_of_date()) }} as days_ago  -- noqa: LT05
    from orders
    where is_completed
),

order_behaviour as (
    -- Two windows of equal length, whole days back from as_of_date (day 0):
    -- recent = days 0 .. N-1, earlier = days N .. 2N-1 (var segments_loyalty_slipping_window_days = N).
    select
        contact_id,
        count(*) as completed_orders,
        count(case when has_discount then order_id end) as discounted_orders,
        count(case when days_ago < {{ window_days }} then order_id end) as recent_window_orders,
        count(
            case when days_ago >= {{ window_days }} and days_ago < 2 * {{ window_days }} then order_id end
        ) as earlier_window_orders,
        sum(case when days_ago < {{ window_days }} then revenue_amount else 0 end) as recent_window_revenue,
        sum(
            case when days_ago >= {{ window_days }} and days_ago < 2 * {{ window_days }} then revenue_amount else 0 end
        ) as earlier_window_revenue
    from completed_orders
    group by contact_id
)

select * from order_behaviour
