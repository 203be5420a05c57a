{%- set window_days = var('segments_rfm_window_days') -%}

with

orders as (
    select * from {{ ref('int_orders') }}
),

order_dates as (
    select * from {{ ref('int_customer_order_dates') }}
),

orders_flagged as (
    select
        *,
        {% if window_days is none -%}
            true
        {%- else -%}
            {{ segments.days_between('order_date', segments.as_of_date()) }} <= {{ window_days }}
        {%- endif %} as is_in_rfm_window
    from orders
),

order_facts as (
    select
        contact_id,
        count(*) as orders_placed,
        sum(case when is_completed then 1 else 0 end) as lifetime_frequency,
        sum(revenue_amount) as lifetime_monetary,
        sum(case when is_completed and is_in_rfm_window then 1 else 0 end) as frequency,
        sum(case when is_in_rfm_window then revenue_amount else 0 end) as monetary,
        min(case when is_completed then order_date end) as first_order_date,
        max(case when is_completed then order_date end) as last_order_date
    from orders_flagged
    group by contact_id
),

order_date_facts as (
    select
        contact_id,
        count(*) as distinct_order_dates,
        max(case when recency_rank = 2 then order_date end) as previous_order_date,
        max(case when recency_rank = 1 then gap_days end) as gap_before_last_order_days,
        {{ segments.median('gap_days') }} as own_typical_gap_days
    from order_dates
    group by contact_id
),

contact_order_facts as (
    select
        order_facts.contact_id,
        order_facts.lifetime_frequency >= 1 as is_customer,
        order_facts.orders_placed,
        order_facts.lifetime_frequency,
        order_facts.lifetime_monetary,
        order_facts.frequency,
        order_facts.monetary,
        order_facts.first_order_date,
        order_facts.last_order_date,
        order_date_facts.previous_order_date,
        coalesce(order_date_facts.distinct_order_dates, 0) as distinct_order_dates,
        order_date_facts.gap_before_last_order_days,
        order_date_facts.own_typical_gap_days,
        {{ segments.days_between('order_facts.last_order_date', segments.as_of_date()) }} as recency_days,  -- noqa: LT05
        {{ segments.days_between('order_facts.first_order_date', segments.as_of_date()) }} as days_since_first_order  -- noqa: LT05
    from order_facts
    left join order_date_facts
        on order_facts.contact_id = order_date_facts.contact_id
)

select * from contact_order_facts
