{{ config(enabled=segments.preset_is_on('stripe')) }}

with

stripe_invoices as (
    select * from {{ source('stripe', 'invoice') }}
),

stripe_invoice_lines as (
    select * from {{ source('stripe', 'invoice_line_item') }}
),

stripe_charges as (
    select * from {{ source('stripe', 'charge') }}
),

currencies as (
    select * from {{ ref('currencies') }}
),

minor_unit_divisors as (
    -- Stripe amounts are integers in the currency's minor unit: cents, or yen (0 decimals)
    select
        currency_code,
        cast(power(10, minor_units) as {{ dbt.type_numeric() }}) as divisor
    from currencies
),

invoices_kept as (
    select
        stripe_invoices.id as stripe_order_id,
        stripe_invoices.customer_id,
        stripe_invoices.created as ordered_at,
        case lower(stripe_invoices.status)
            when 'paid' then 'completed'
            when 'open' then 'pending'
            when 'draft' then 'pending'
            when 'void' then 'cancelled'
            when 'uncollectible' then 'cancelled'
            else lower(stripe_invoices.status)
        end as status,
        upper(stripe_invoices.currency) as currency,
        stripe_invoices.subtotal,
        stripe_invoices.total - coalesce(stripe_invoices.tax, 0) as total_excluding_tax,
        stripe_invoices.tax
    from stripe_invoices
    -- deleted invoices, and test-mode ones (livemode false: no real money), are no orders
    where not coalesce(stripe_invoices.is_deleted, false) and coalesce(stripe_invoices.livemode, true)
),

invoice_lines_priced as (
    -- a line keeps its quantity when its amount divides into whole minor units per unit;
    -- otherwise it is one unit at the line's amount, so the line's net stays exact
    select
        invoice_id as stripe_order_id,
        id as line_number,
        coalesce(price_id, plan_id) as product_id,
        amount,
        case
            when quantity > 0 and mod(amount, quantity) = 0 then quantity
            else 1
        end as quantity,
        case
            when quantity > 0 and mod(amount, quantity) = 0 then amount / quantity
            else amount
        end as unit_amount
    from stripe_invoice_lines
    where amount >= 0
),

charged_lines_per_invoice as (
    select
        stripe_order_id,
        sum(amount) as charged_lines_amount
    from invoice_lines_priced
    group by stripe_order_id
),

invoice_lines_per_invoice as (
    -- every line, credits (negative lines, e.g. proration credits) included
    select distinct invoice_id as stripe_order_id
    from stripe_invoice_lines
),

invoices_with_discounts as (
    -- what takes the positive lines down to the total before tax and is not on a line: invoice
    -- discounts and credit lines, both in minor units
    select
        invoices_kept.*,
        invoice_lines_per_invoice.stripe_order_id is null as has_no_lines,
        coalesce(charged_lines_per_invoice.charged_lines_amount, invoices_kept.subtotal)
        - invoices_kept.total_excluding_tax as order_discount
    from invoices_kept
    left join charged_lines_per_invoice
        on invoices_kept.stripe_order_id = charged_lines_per_invoice.stripe_order_id
    left join invoice_lines_per_invoice
        on invoices_kept.stripe_order_id = invoice_lines_per_invoice.stripe_order_id
),

invoice_line_rows as (
    select
        invoices_with_discounts.stripe_order_id,
        invoice_lines_priced.line_number,
        invoices_with_discounts.customer_id,
        cast(null as {{ dbt.type_string() }}) as buyer_email,
        invoices_with_discounts.ordered_at,
        invoices_with_discounts.status,
        invoice_lines_priced.product_id,
        invoice_lines_priced.quantity,
        invoice_lines_priced.unit_amount,
        invoices_with_discounts.currency,
        invoices_with_discounts.order_discount,
        invoices_with_discounts.tax
    from invoices_with_discounts
    inner join invoice_lines_priced
        on invoices_with_discounts.stripe_order_id = invoice_lines_priced.stripe_order_id
),

invoice_total_rows as (
    -- an invoice without line rows: one row at its subtotal
    select
        stripe_order_id,
        cast(null as {{ dbt.type_string() }}) as line_number,
        customer_id,
        cast(null as {{ dbt.type_string() }}) as buyer_email,
        ordered_at,
        status,
        cast(null as {{ dbt.type_string() }}) as product_id,
        1 as quantity,
        subtotal as unit_amount,
        currency,
        order_discount,
        tax
    from invoices_with_discounts
    where has_no_lines
),

charge_total_rows as (
    -- a payment without an invoice is an order of one row; declined (failed) charges are no orders
    select
        id as stripe_order_id,
        cast(null as {{ dbt.type_string() }}) as line_number,
        customer_id,
        coalesce(nullif(trim(receipt_email), ''), nullif(trim(billing_detail_email), '')) as buyer_email,
        created as ordered_at,
        case lower(status)
            when 'succeeded' then 'completed'
            else lower(status)
        end as status,
        cast(null as {{ dbt.type_string() }}) as product_id,
        1 as quantity,
        amount as unit_amount,
        upper(currency) as currency,
        0 as order_discount,
        cast(null as {{ dbt.type_bigint() }}) as tax
    from stripe_charges
    where
        invoice_id is null
        and lower(status) != 'failed'
        and coalesce(livemode, true)
),

order_rows as (
    select * from invoice_line_rows
    union all
    select * from invoice_total_rows
    union all
    select * from charge_total_rows
),

contract_orders as (
    select
        {{ dbt.concat(["'stripe:'", "order_rows.stripe_order_id"]) }} as order_id,
        order_rows.line_number,
        case
            when order_rows.customer_id is not null then {{ dbt.concat(["'stripe:'", "order_rows.customer_id"]) }}
        end as contact_id,
        cast(order_rows.ordered_at as {{ dbt.type_timestamp() }}) as ordered_at,
        order_rows.status,
        order_rows.product_id,
        cast(null as {{ dbt.type_string() }}) as product_category,
        cast(order_rows.quantity as {{ dbt.type_bigint() }}) as quantity,
        cast(order_rows.unit_amount / minor_unit_divisors.divisor as {{ dbt.type_numeric() }}) as unit_price,
        cast(null as {{ dbt.type_numeric() }}) as discount_amount,
        order_rows.currency,
        cast(
            order_rows.order_discount / minor_unit_divisors.divisor as {{ dbt.type_numeric() }}
        ) as order_discount_amount,
        cast(null as {{ dbt.type_numeric() }}) as shipping_amount,
        cast(order_rows.tax / minor_unit_divisors.divisor as {{ dbt.type_numeric() }}) as tax_amount,
        order_rows.buyer_email as contact_email
    from order_rows
    left join minor_unit_divisors
        on order_rows.currency = minor_unit_divisors.currency_code
)

select * from contract_orders
