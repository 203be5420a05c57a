-- The Abell matrix neither loses nor invents contacts or revenue: each (client group, need) pair's
-- contacts add up to the contacts with a known primary need in contact_abell, and the matrix revenue
-- plus the revenue of contacts without a known need is the revenue of fct_orders, to the cent.
with

abell_matrix as (
    select * from {{ ref('abell_matrix') }}
),

contact_abell as (
    select * from {{ ref('contact_abell') }}
),

fct_orders as (
    select * from {{ ref('fct_orders') }}
),

matrix_demand as (
    select distinct
        client_group,
        need,
        contacts_with_need
    from abell_matrix
),

demand_totals as (
    select sum(contacts_with_need) as contacts_with_need from matrix_demand
),

revenue_totals as (
    select sum(revenue_amount) as revenue_amount from abell_matrix
),

matrix_totals as (
    select
        demand_totals.contacts_with_need,
        revenue_totals.revenue_amount
    from demand_totals
    cross join revenue_totals
),

contact_totals as (
    select
        sum(case when primary_need != 'unknown' then 1 else 0 end) as contacts_with_need,
        sum(case when primary_need = 'unknown' then revenue_amount else 0 end) as revenue_without_need
    from contact_abell
),

order_totals as (
    select sum(revenue_amount) as revenue_amount from fct_orders
)

select
    matrix_totals.contacts_with_need as matrix_contacts,
    contact_totals.contacts_with_need as contact_abell_contacts,
    matrix_totals.revenue_amount + contact_totals.revenue_without_need as matrix_and_unknown_revenue,
    order_totals.revenue_amount as order_revenue
from matrix_totals
cross join contact_totals
cross join order_totals
where
    matrix_totals.contacts_with_need != contact_totals.contacts_with_need
    or coalesce(matrix_totals.revenue_amount, 0) + coalesce(contact_totals.revenue_without_need, 0)
    != coalesce(order_totals.revenue_amount, 0)
