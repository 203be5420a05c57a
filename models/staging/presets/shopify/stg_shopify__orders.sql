{{ config(enabled=segments.preset_is_on('shopify')) }}

with

shopify_orders as (
    select * from {{ source('shopify', 'order') }}
),

shopify_order_lines as (
    select * from {{ source('shopify', 'order_line') }}
),

shopify_discount_allocations as (
    select * from {{ source('shopify', 'discount_allocation') }}
),

shopify_shipping_lines as (
    select * from {{ source('shopify', 'order_shipping_line') }}
),

shopify_products as (
    select * from {{ source('shopify', 'product') }}
),

orders_kept as (
    -- deleted and test orders are no sales
    select
        id as shopify_order_id,
        customer_id,
        email,
        coalesce(processed_at, created_at) as ordered_at,
        case
            when cancelled_at is not null or lower(financial_status) = 'voided' then 'cancelled'
            when lower(financial_status) in ('paid', 'partially_refunded', 'refunded') then 'completed'
            when lower(financial_status) in ('pending', 'authorized', 'partially_paid') then 'pending'
            when financial_status is null then 'pending'
            else lower(financial_status)
        end as status,
        upper(currency) as currency,
        cast(total_line_items_price as {{ dbt.type_numeric() }}) as line_items_amount,
        cast(subtotal_price as {{ dbt.type_numeric() }}) as subtotal_amount,
        cast(total_tax as {{ dbt.type_numeric() }}) as tax_amount
    from shopify_orders
    where
        not coalesce(_fivetran_deleted, false)
        and not coalesce(test, false)
),

discount_per_line as (
    select
        order_line_id,
        sum(cast(amount as {{ dbt.type_numeric() }})) as allocated_discount
    from shopify_discount_allocations
    group by order_line_id
),

product_categories as (
    select
        id as product_id,
        nullif(trim(product_type), '') as product_category
    from shopify_products
    where not coalesce(_fivetran_deleted, false)
),

lines_with_discounts as (
    select
        shopify_order_lines.order_id as shopify_order_id,
        shopify_order_lines.index as line_index,
        shopify_order_lines.product_id,
        product_categories.product_category,
        shopify_order_lines.quantity,
        cast(shopify_order_lines.price as {{ dbt.type_numeric() }}) as unit_price,
        coalesce(
            discount_per_line.allocated_discount,
            cast(shopify_order_lines.total_discount as {{ dbt.type_numeric() }}),
            0
        ) as discount_amount
    from shopify_order_lines
    left join discount_per_line
        on shopify_order_lines.id = discount_per_line.order_line_id
    left join product_categories
        on shopify_order_lines.product_id = product_categories.product_id
),

line_discount_per_order as (
    select
        shopify_order_id,
        sum(discount_amount) as line_discount_amount
    from lines_with_discounts
    group by shopify_order_id
),

shipping_per_order as (
    select
        order_id as shopify_order_id,
        sum(cast(coalesce(discounted_price, price) as {{ dbt.type_numeric() }})) as shipping_amount
    from shopify_shipping_lines
    group by order_id
),

orders_with_amounts as (
    -- the order-level discount is what takes the line items price down to the subtotal and is not
    -- already on the lines: total_line_items_price - subtotal_price - the lines' allocated discounts
    select
        orders_kept.*,
        shipping_per_order.shipping_amount,
        case
            when orders_kept.line_items_amount - orders_kept.subtotal_amount
                - coalesce(line_discount_per_order.line_discount_amount, 0) > 0
                then orders_kept.line_items_amount - orders_kept.subtotal_amount
                    - coalesce(line_discount_per_order.line_discount_amount, 0)
            else 0
        end as order_discount_amount,
        line_discount_per_order.shopify_order_id is null as has_no_lines
    from orders_kept
    left join line_discount_per_order
        on orders_kept.shopify_order_id = line_discount_per_order.shopify_order_id
    left join shipping_per_order
        on orders_kept.shopify_order_id = shipping_per_order.shopify_order_id
),

order_line_rows as (
    select
        orders_with_amounts.shopify_order_id,
        cast(lines_with_discounts.line_index as {{ dbt.type_string() }}) as line_number,
        orders_with_amounts.customer_id,
        orders_with_amounts.email,
        orders_with_amounts.ordered_at,
        orders_with_amounts.status,
        lines_with_discounts.product_id,
        lines_with_discounts.product_category,
        lines_with_discounts.quantity,
        lines_with_discounts.unit_price,
        lines_with_discounts.discount_amount,
        orders_with_amounts.currency,
        orders_with_amounts.order_discount_amount,
        orders_with_amounts.shipping_amount,
        orders_with_amounts.tax_amount
    from orders_with_amounts
    inner join lines_with_discounts
        on orders_with_amounts.shopify_order_id = lines_with_discounts.shopify_order_id
),

order_total_rows as (
    -- an order without order_line rows: one row for the whole order, priced at its line items
    -- total before the order-level discount
    select
        shopify_order_id,
        cast(null as {{ dbt.type_string() }}) as line_number,
        customer_id,
        email,
        ordered_at,
        status,
        cast(null as {{ dbt.type_bigint() }}) as product_id,
        cast(null as {{ dbt.type_string() }}) as product_category,
        1 as quantity,
        line_items_amount as unit_price,
        cast(null as {{ dbt.type_numeric() }}) as discount_amount,
        currency,
        order_discount_amount,
        shipping_amount,
        tax_amount
    from orders_with_amounts
    where has_no_lines
),

order_rows as (
    select * from order_line_rows
    union all
    select * from order_total_rows
),

contract_orders as (
    select
        {{ dbt.concat(["'shopify:'", "cast(shopify_order_id as " ~ dbt.type_string() ~ ")"]) }} as order_id,
        line_number,
        case
            when customer_id is not null
                then {{ dbt.concat(["'shopify:'", "cast(customer_id as " ~ dbt.type_string() ~ ")"]) }}
        end as contact_id,
        cast(ordered_at as {{ dbt.type_timestamp() }}) as ordered_at,
        status,
        cast(product_id as {{ dbt.type_string() }}) as product_id,
        product_category,
        cast(quantity as {{ dbt.type_bigint() }}) as quantity,
        cast(unit_price as {{ dbt.type_numeric() }}) as unit_price,
        cast(discount_amount as {{ dbt.type_numeric() }}) as discount_amount,
        currency,
        cast(order_discount_amount as {{ dbt.type_numeric() }}) as order_discount_amount,
        cast(shipping_amount as {{ dbt.type_numeric() }}) as shipping_amount,
        cast(tax_amount as {{ dbt.type_numeric() }}) as tax_amount,
        nullif(trim(email), '') as contact_email
    from order_rows
)

select * from contract_orders
