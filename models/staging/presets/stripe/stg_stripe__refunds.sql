{{ config(enabled=segments.preset_is_on('stripe')) }}

with

stripe_refunds as (
    select * from {{ source('stripe', 'refund') }}
),

stripe_charges as (
    select * from {{ source('stripe', 'charge') }}
),

currencies as (
    select * from {{ ref('currencies') }}
),

minor_unit_divisors as (
    select
        currency_code,
        cast(power(10, minor_units) as {{ dbt.type_numeric() }}) as divisor
    from currencies
),

refunds_kept as (
    -- failed and canceled refunds gave nothing back
    select
        id as stripe_refund_id,
        charge_id,
        payment_intent_id,
        amount,
        created as refunded_at
    from stripe_refunds
    where lower(coalesce(status, 'succeeded')) not in ('failed', 'canceled', 'cancelled')
),

charges_paid as (
    -- the charge a refund gives back: by its id, or, when the refund names only the payment
    -- intent, the intent's succeeded charge
    select
        id as charge_id,
        payment_intent_id,
        coalesce(invoice_id, id) as stripe_order_id,
        upper(currency) as currency,
        lower(status) = 'succeeded' as is_succeeded,
        coalesce(livemode, true) as is_live
    from stripe_charges
),

refunds_with_orders as (
    select
        refunds_kept.stripe_refund_id,
        refunds_kept.refunded_at,
        refunds_kept.amount,
        coalesce(charge_by_id.stripe_order_id, charge_by_intent.stripe_order_id) as stripe_order_id,
        coalesce(charge_by_id.currency, charge_by_intent.currency) as currency
    from refunds_kept
    left join charges_paid as charge_by_id
        on refunds_kept.charge_id = charge_by_id.charge_id
    left join charges_paid as charge_by_intent
        on
            refunds_kept.charge_id is null
            and refunds_kept.payment_intent_id = charge_by_intent.payment_intent_id
            and charge_by_intent.is_succeeded
    -- a test-mode charge (livemode false) paid no real order: its refunds are left out with it
    where coalesce(charge_by_id.is_live, charge_by_intent.is_live, true)
),

contract_refunds as (
    select
        {{ dbt.concat(["'stripe:'", "refunds_with_orders.stripe_refund_id"]) }} as refund_id,
        {{ dbt.concat(["'stripe:'", "refunds_with_orders.stripe_order_id"]) }} as order_id,
        cast(null as {{ dbt.type_string() }}) as line_number,
        cast(refunds_with_orders.refunded_at as {{ dbt.type_timestamp() }}) as refunded_at,
        cast(refunds_with_orders.amount / minor_unit_divisors.divisor as {{ dbt.type_numeric() }}) as amount
    from refunds_with_orders
    left join minor_unit_divisors
        on refunds_with_orders.currency = minor_unit_divisors.currency_code
)

select * from contract_refunds
