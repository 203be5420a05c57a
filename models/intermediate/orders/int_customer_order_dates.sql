with

orders as (
    select * from {{ ref('int_orders') }}
),

completed_order_dates as (
    select distinct
        contact_id,
        order_date
    from orders
    where is_completed
),

order_dates_with_gaps as (
    select
        contact_id,
        order_date,
        lag(order_date) over (partition by contact_id order by order_date asc) as previous_order_date,
        row_number() over (partition by contact_id order by order_date desc) as recency_rank
    from completed_order_dates
),

gaps_in_days as (
    select
        contact_id,
        order_date,
        previous_order_date,
        recency_rank,
        {{ segments.days_between('previous_order_date', 'order_date') }} as gap_days  -- noqa: LT05
    from order_dates_with_gaps
)

select * from gaps_in_days
