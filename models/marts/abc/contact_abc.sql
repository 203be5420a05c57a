with

contact_order_facts as (
    select * from {{ ref('int_contact_order_facts') }}
),

customers as (
    select
        contact_id,
        monetary
    from contact_order_facts
    where is_customer
),

tiered as (
    select
        contact_id,
        monetary,
        {{ segments.ratio('monetary', 'sum(monetary) over ()') }} as revenue_share,
        {{ segments.ratio('sum(monetary) over (order by monetary desc)', 'sum(monetary) over ()') }}
            as cumulative_revenue_share,
        {{ segments.higher_share('monetary') }} as higher_revenue_share,
        {{ segments.cumulative_share_tier('monetary') }} as abc_tier,
        {{ segments.as_of_date() }} as as_of_date
    from customers
)

select * from tiered
