{{ config(enabled=segments.preset_is_on('shopify')) }}

with

shopify_refunds as (
    select * from {{ source('shopify', 'refund') }}
),

shopify_order_line_refunds as (
    select * from {{ source('shopify', 'order_line_refund') }}
),

shopify_order_adjustments as (
    select * from {{ source('shopify', 'order_adjustment') }}
),

shopify_order_lines as (
    select * from {{ source('shopify', 'order_line') }}
),

shopify_orders as (
    select * from {{ source('shopify', 'order') }}
),

orders_that_sold as (
    -- a refund counts against a sale: refunds of deleted, test or cancelled orders are left out
    -- (a cancelled order never counted as revenue)
    select id as shopify_order_id
    from shopify_orders
    where
        not coalesce(_fivetran_deleted, false)
        and not coalesce(test, false)
        and cancelled_at is null
        and coalesce(lower(financial_status), '') != 'voided'
),

refunds_dated as (
    select
        id as shopify_refund_id,
        order_id as shopify_order_id,
        coalesce(processed_at, created_at) as refunded_at
    from shopify_refunds
),

line_refunds as (
    -- one row per refunded line: its merchandise subtotal (tax refunded apart is left out)
    select
        {{ dbt.concat([
            "'shopify:'",
            "cast(refunds_dated.shopify_refund_id as " ~ dbt.type_string() ~ ")",
            "':line:'",
            "cast(shopify_order_line_refunds.id as " ~ dbt.type_string() ~ ")",
        ]) }} as refund_id,
        refunds_dated.shopify_order_id,
        cast(shopify_order_lines.index as {{ dbt.type_string() }}) as line_number,
        refunds_dated.refunded_at,
        cast(shopify_order_line_refunds.subtotal as {{ dbt.type_numeric() }}) as amount
    from shopify_order_line_refunds
    inner join refunds_dated
        on shopify_order_line_refunds.refund_id = refunds_dated.shopify_refund_id
    inner join shopify_order_lines
        on shopify_order_line_refunds.order_line_id = shopify_order_lines.id
),

order_level_refunds as (
    -- refund discrepancies: money given back beyond the refunded lines (negative amount in
    -- Shopify). Shipping refunds are not merchandise and stay out, as do positive discrepancies
    -- (less given back than the lines' subtotal), which the contract's refunds cannot express.
    select
        {{ dbt.concat([
            "'shopify:'",
            "cast(refunds_dated.shopify_refund_id as " ~ dbt.type_string() ~ ")",
            "':adjustment:'",
            "cast(shopify_order_adjustments.id as " ~ dbt.type_string() ~ ")",
        ]) }} as refund_id,
        refunds_dated.shopify_order_id,
        cast(null as {{ dbt.type_string() }}) as line_number,
        refunds_dated.refunded_at,
        -1 * cast(shopify_order_adjustments.amount as {{ dbt.type_numeric() }}) as amount
    from shopify_order_adjustments
    inner join refunds_dated
        on shopify_order_adjustments.refund_id = refunds_dated.shopify_refund_id
    where
        lower(shopify_order_adjustments.kind) = 'refund_discrepancy'
        and shopify_order_adjustments.amount < 0
),

refund_rows as (
    select * from line_refunds
    union all
    select * from order_level_refunds
),

contract_refunds as (
    select
        refund_rows.refund_id,
        {{ dbt.concat(["'shopify:'", "cast(refund_rows.shopify_order_id as " ~ dbt.type_string() ~ ")"]) }} as order_id,
        refund_rows.line_number,
        cast(refund_rows.refunded_at as {{ dbt.type_timestamp() }}) as refunded_at,
        cast(refund_rows.amount as {{ dbt.type_numeric() }}) as amount
    from refund_rows
    inner join orders_that_sold
        on refund_rows.shopify_order_id = orders_that_sold.shopify_order_id
)

select * from contract_refunds
