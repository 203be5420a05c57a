{#- The Pareto curve of the report: customers ranked by revenue (ties by contact_id), cut into 200
    equal buckets; each point is where a bucket ends (cumulative shares of customers and revenue)
    and the tier of its first customer. Point 0 is the origin, in the first tier. -#}
{%- set points = 200 -%}

with

contact_abc as (
    select * from {{ ref('contact_abc') }}
),

ranked as (
    select
        abc_tier,
        row_number() over (order by monetary desc, contact_id asc) as customer_rank,
        count(*) over () as customers,
        {{ segments.ratio(
            'sum(monetary) over (order by monetary desc, contact_id asc rows between unbounded preceding and current row)',
            'sum(monetary) over ()'
        ) }} as cumulative_revenue_share
    from contact_abc
),

bucketed as (
    select
        *,
        ntile({{ points }}) over (order by customer_rank) as curve_point
    from ranked
),

curve as (
    select
        0 as curve_point,
        cast(0 as {{ segments.type_double() }}) as cumulative_customer_share,
        cast(0 as {{ segments.type_double() }}) as cumulative_revenue_share,
        '{{ var("segments_abc_labels")[0] }}' as abc_tier
    union all
    select
        curve_point,
        {{ segments.ratio('max(customer_rank)', 'max(customers)') }} as cumulative_customer_share,
        max(cumulative_revenue_share) as cumulative_revenue_share,
        min(abc_tier) as abc_tier
    from bucketed
    group by curve_point
)

select * from curve
