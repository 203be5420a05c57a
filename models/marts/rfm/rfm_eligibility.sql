{%- set bins = var('segments_rfm_bins') -%}
{%- set min_per_score = var('segments_rfm_min_customers_per_score') -%}
{%- set min_customers = bins * min_per_score -%}
{%- set window_days = var('segments_rfm_window_days') -%}
{%- set look_back_days = window_days if window_days is not none else var('segments_lifecycle_lapsed_days') -%}

with

contact_order_facts as (
    select * from {{ ref('int_contact_order_facts') }}
),

customer_facts as (
    select
        -- with no customer at all the sum is null: zero, so every check is false, never null
        count(*) as customers,
        coalesce(sum(case when lifetime_frequency >= 2 then 1 else 0 end), 0) as repeat_customers,
        coalesce(max(days_since_first_order), 0) as history_days
    from contact_order_facts
    where is_customer
),

checks as (
    select
        'enough_customers' as check_name,
        customers >= {{ min_customers }} as is_passed,
        customers as observed_value,
        {{ min_customers }} as required_value,
        'Customers: at least {{ min_per_score }} per score ({{ bins }} scores).' as description
    from customer_facts
    union all
    select
        'history_covers_look_back' as check_name,
        history_days >= {{ look_back_days }} as is_passed,
        history_days as observed_value,
        {{ look_back_days }} as required_value,
        'Days from the first completed order to as_of_date: at least the look-back.' as description
    from customer_facts
    union all
    select
        'has_repeat_buyers' as check_name,
        repeat_customers >= 1 as is_passed,
        repeat_customers as observed_value,
        1 as required_value,
        'Customers with two completed orders or more: at least one.' as description
    from customer_facts
)

select * from checks
