{#- The R x F grid of the report: customers and revenue per recency and frequency score (M is not
    shown). Only the cells that hold customers. -#}
with

contact_rfm as (
    select * from {{ ref('contact_rfm') }}
),

cells as (
    select
        r_score,
        f_score,
        count(*) as customers,
        sum(monetary) as revenue_amount
    from contact_rfm
    group by r_score, f_score
)

select * from cells
