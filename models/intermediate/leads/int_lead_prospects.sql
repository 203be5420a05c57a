{#- The lead model's prospects: one row per cut-off and contact created on or before it without a
    completed order on or before it. Three cut-offs: scoring (as_of_date), training (as_of_date - L,
    L = segments_lead_conversion_days) and backtest (as_of_date - 2L). Its own table so the
    feature models join it from disk: in one query with the interaction aggregates, 5M contacts
    ran out of DuckDB's 3 GB. -#}
{%- set conversion_days = var('segments_lead_conversion_days') -%}
{%- set as_of = segments.as_of_date() -%}

with

contacts as (
    select * from {{ ref('int_contacts') }}
),

contact_client_group as (
    select * from {{ ref('int_contact_client_group') }}
),

customer_order_dates as (
    select * from {{ ref('int_customer_order_dates') }}
),

cutoffs as (
    select
        'scoring' as cutoff_role,
        {{ as_of }} as cutoff_date
    union all
    select
        'training' as cutoff_role,
        cast({{ dbt.dateadd('day', -conversion_days, as_of) }} as date) as cutoff_date
    union all
    select
        'backtest' as cutoff_role,
        cast({{ dbt.dateadd('day', -2 * conversion_days, as_of) }} as date) as cutoff_date
),

first_orders as (
    select
        contact_id,
        min(order_date) as first_order_date
    from customer_order_dates
    group by contact_id
),

prospects as (
    select
        cutoffs.cutoff_role,
        cutoffs.cutoff_date,
        contacts.contact_id,
        contact_client_group.client_group,
        first_orders.first_order_date,
        cast({{ dbt.dateadd('day', conversion_days, 'cutoffs.cutoff_date') }} as date) as conversion_deadline,
        {{ segments.days_between('cast(contacts.created_at as date)', 'cutoffs.cutoff_date') }} as days_since_created  -- noqa: LT05
    from contacts
    cross join cutoffs
    inner join contact_client_group
        on contacts.contact_id = contact_client_group.contact_id
    left join first_orders
        on contacts.contact_id = first_orders.contact_id
    where
        cast(contacts.created_at as date) <= cutoffs.cutoff_date
        and (first_orders.first_order_date is null or first_orders.first_order_date > cutoffs.cutoff_date)
)

select * from prospects
