with

order_lines as (
    select * from {{ ref('int_order_lines') }}
),

technology_map as (
    select * from {{ ref('abell_technologies') }}
),

orders as (
    select * from {{ ref('int_orders') }}
),

completed_lines as (
    select
        order_lines.contact_id,
        order_lines.product_id,
        order_lines.product_category,
        order_lines.revenue_amount,
        order_lines.order_date
    from order_lines
    inner join orders
        on order_lines.order_id = orders.order_id
    where orders.is_completed and order_lines.order_line_status = 'completed'
),

lines_with_technology as (
    -- A product_id rule beats a product_category rule; a product no rule maps is 'other'.
    select
        completed_lines.contact_id,
        completed_lines.revenue_amount,
        completed_lines.order_date,
        coalesce(product_rules.technology, category_rules.technology, 'other') as technology
    from completed_lines
    left join technology_map as product_rules
        on
            product_rules.product_id is not null
            and completed_lines.product_id = product_rules.product_id
    left join technology_map as category_rules
        on
            category_rules.product_id is null
            and completed_lines.product_category = category_rules.product_category
),

technology_revenue as (
    select
        contact_id,
        technology,
        sum(revenue_amount) as revenue_amount,
        count(*) as completed_lines,
        min(order_date) as first_adopted_date
    from lines_with_technology
    group by contact_id, technology
)

select * from technology_revenue
