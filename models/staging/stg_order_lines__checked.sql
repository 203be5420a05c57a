{{ config(
    materialized=segments.staging_materialization(),
    incremental_strategy='delete+insert',
    unique_key='order_id',
    on_schema_change='fail',
    pre_hook="{{ segments.forget_stale_checked_rows('order_id', 'orders') }}",
) }}
{%- set raw_columns = segments.raw_contract_columns('orders') -%}
{#- A line amount must hold in the numeric(28, 6) of a parsed price (22 integer digits): far larger
    products would overflow DECIMAL(38) when computed or summed, so such a line is quarantined. -#}
{%- set line_amount_fits = 'abs(cast(quantity as ' ~ segments.type_double() ~ ') * cast(unit_price as '
    ~ segments.type_double() ~ ')) < 1e22' -%}
{#- The amounts of the whole order (order_discount_amount, shipping_amount, tax_amount) are given on
    every line or on one: their non-null values must agree. -#}
{%- set buyer_key = 'coalesce(contact_id, ' ~ dbt.concat(["'email:'", 'contact_email']) ~ ')' -%}
{#- The key of a line as the raw columns give it: an order-total row (no line_number) is line 'total'. -#}
{%- set line_key = [
    segments.clean_text('order_id'),
    'coalesce(' ~ segments.clean_text('line_number') ~ ", 'total')",
] -%}

with

label_spellings as (
    select * from {{ ref('stg_label_spellings') }}
),

currencies as (
    select * from {{ ref('currencies') }}
),

fx_rates as (
    select * from {{ ref('fx_rates') }}
),

dated_fx_rates as (
    select * from {{ ref('fx_rates_by_date') }}
),

first_dated_fx_rates as (
    select
        currency_code,
        min(rate_date) as first_rate_date
    from dated_fx_rates
    group by currency_code
),

fx_rate_periods as (
    -- Each rate from its date until the currency's next dated rate (seed fx_rates_by_date); the
    -- undated seed fx_rates before a currency's first dated rate, and for currencies without any.
    select
        currency_code,
        rate_date as valid_from,
        lead(rate_date) over (partition by currency_code order by rate_date) as valid_until,
        units_per_eur
    from dated_fx_rates

    union all

    select
        fx_rates.currency_code,
        cast(null as date) as valid_from,
        first_dated_fx_rates.first_rate_date as valid_until,
        fx_rates.units_per_eur
    from fx_rates
    left join first_dated_fx_rates
        on fx_rates.currency_code = first_dated_fx_rates.currency_code
),

rules as (
    -- what raw values are checked against: rows checked with other rules are checked again
    {{ segments.rules_fingerprint({'label_spellings': ['label_domain', 'spelling', 'label'], 'currencies': ['currency_code'], 'fx_rate_periods': ['currency_code', 'valid_from', 'valid_until', 'units_per_eur']}) }}  -- noqa: LT05
),

-- The keys more than one raw row has (a few): only their rows can be duplicates or versions.
repeating_keys as (
    {{ segments.repeating_raw_keys('orders', 'order_id', 'rules', line_key) }}
),

-- Every raw row the loader has not deleted, each column as text (typed columns converted), exact
-- duplicates collapsed into one and counted, with the number of versions of its key; on an
-- incremental run those of the keys new rows touch.
distinct_rows as (
    {{ segments.distinct_raw_rows_to_check('orders', 'order_id', 'rules', line_key, 'repeating_keys') }}
),

parsed as (
    select
        -- the row as delivered (the final select keeps it for quarantined rows only)
        {{- segments.raw_rows_as_delivered('distinct_rows', raw_columns) }}
        distinct_rows.collapsed_duplicates,
        distinct_rows.key_versions,
        distinct_rows.loaded_at,

        -- keys; an order-total row (no line_number) is the order's one line 'total'
        {{ segments.clean_text('distinct_rows.order_id') }} as order_id,
        coalesce({{ segments.clean_text('distinct_rows.line_number') }}, 'total') as line_number,
        {{ segments.clean_text('distinct_rows.line_number') }} is null as is_order_total,
        {{ segments.clean_text('distinct_rows.contact_id') }} as contact_id,
        lower({{ segments.clean_text('distinct_rows.contact_email') }}) as contact_email,
        {{ segments.clean_text('distinct_rows.product_id') }} as product_id,

        -- labels
        status_spellings.label as order_line_status,
        {{ segments.normalize_label('distinct_rows.product_category') }} as product_category,
        currencies.currency_code as currency,

        -- amounts, in the line's currency; an order-total row without quantity counts once
        case
            when
                {{ segments.clean_text('distinct_rows.line_number') }} is null
                and {{ segments.clean_text('distinct_rows.quantity') }} is null
                then 1
            else {{ segments.parse_integer('distinct_rows.quantity') }}
        end as quantity,
        {{ segments.parse_number('distinct_rows.unit_price') }} as unit_price,
        coalesce({{ segments.parse_number('distinct_rows.discount_amount') }}, 0) as discount_amount,
        -- amounts of the whole order, as this row gives them (null when it does not)
        {{ segments.parse_number('distinct_rows.order_discount_amount') }} as order_discount_amount,
        {{ segments.parse_number('distinct_rows.shipping_amount') }} as shipping_amount,
        {{ segments.parse_number('distinct_rows.tax_amount') }} as tax_amount,

        -- timestamps, UTC
        {{ segments.parse_timestamp_utc('distinct_rows.ordered_at') }} as ordered_at
    from distinct_rows
    left join label_spellings as status_spellings
        on
            status_spellings.label_domain = 'order_status'
            and status_spellings.spelling = {{ segments.normalize_label('distinct_rows.status') }}
    left join currencies
        on currencies.currency_code = upper({{ segments.clean_text('distinct_rows.currency') }})
),

priced as (
    -- conversion to the reporting currency (var segments_reporting_currency) at the rates of the
    -- order's date: amount x fx_rate
    select
        parsed.*,
        cast(reporting_rates.units_per_eur / line_rates.units_per_eur as decimal(38, 12)) as fx_rate_to_reporting
    from parsed
    left join fx_rate_periods as line_rates
        on
            parsed.currency = line_rates.currency_code
            and (line_rates.valid_from is null or line_rates.valid_from <= cast(parsed.ordered_at as date))
            and (line_rates.valid_until is null or cast(parsed.ordered_at as date) < line_rates.valid_until)
    left join fx_rate_periods as reporting_rates
        on
            reporting_rates.currency_code = '{{ var("segments_reporting_currency") }}'
            and (reporting_rates.valid_from is null or reporting_rates.valid_from <= cast(parsed.ordered_at as date))
            and (reporting_rates.valid_until is null or cast(parsed.ordered_at as date) < reporting_rates.valid_until)
),

row_checked as (
    select
        *,
        case
            when order_id is null or (contact_id is null and contact_email is null) then 'missing_key'
            when
                {{ segments.clean_text('raw_ordered_at') }} is null
                or {{ segments.clean_text('raw_status') }} is null
                or ({{ segments.clean_text('raw_quantity') }} is null and not is_order_total)
                or {{ segments.clean_text('raw_unit_price') }} is null
                or {{ segments.clean_text('raw_currency') }} is null
                then 'missing_required_value'
            when ordered_at is null then 'unparseable_timestamp'
            when
                quantity is null
                or unit_price is null
                or (
                    {{ segments.clean_text('raw_discount_amount') }} is not null
                    and {{ segments.parse_number('raw_discount_amount') }} is null
                )
                or (
                    {{ segments.clean_text('raw_order_discount_amount') }} is not null
                    and order_discount_amount is null
                )
                or ({{ segments.clean_text('raw_shipping_amount') }} is not null and shipping_amount is null)
                or ({{ segments.clean_text('raw_tax_amount') }} is not null and tax_amount is null)
                or not {{ line_amount_fits }}
                then 'unparseable_number'
            when order_line_status is null then 'unknown_status'
            when currency is null then 'unknown_currency'
            when fx_rate_to_reporting is null then 'missing_fx_rate'
            when
                unit_price < 0
                or discount_amount < 0
                or order_discount_amount < 0
                or shipping_amount < 0
                or tax_amount < 0
                then 'negative_number'
            when quantity < 0 and order_line_status != 'refunded' then 'negative_quantity'
            when quantity >= 0 and discount_amount > quantity * unit_price then 'discount_exceeds_line'
        end as row_quarantine_reason
    from priced
),

-- Per order facts are an aggregate joined back, not window functions: a hash aggregate and a hash
-- join are several times cheaper than partitioning millions of wide rows. Only the orders that fail
-- are joined back: a build side of a few rows instead of one row per line keeps the join streaming
-- within the memory bound at 30 million lines.
key_checked as (
    select
        *,
        case
            when row_quarantine_reason is not null then row_quarantine_reason
            when key_versions > 1 then 'conflicting_duplicate_key'
        end as line_quarantine_reason
    from row_checked
),

order_facts as (
    -- The lines of one order must agree on the order's header (its buyer: the contact, else the
    -- guest's email; the non-null order amounts), and an order-total row is the order's only row;
    -- an order is kept whole or not at all.
    select
        order_id,
        min({{ buyer_key }}) != max({{ buyer_key }})
        or min(currency) != max(currency)
        or min(ordered_at) != max(ordered_at)
        or coalesce(min(order_discount_amount) != max(order_discount_amount), false)
        or coalesce(min(shipping_amount) != max(shipping_amount), false)
        or coalesce(min(tax_amount) != max(tax_amount), false)
        or (max(case when is_order_total then 1 else 0 end) = 1 and count(*) > 1) as has_inconsistent_header,
        -- an order-level discount cannot exceed what the order's lines sell for
        coalesce(
            max(order_discount_amount)
            > sum(case when quantity >= 0 and {{ line_amount_fits }} then quantity * unit_price - discount_amount end),
            false
        ) as has_excess_order_discount,
        max(case when line_quarantine_reason is not null then 1 else 0 end) as has_quarantined_line
    from key_checked
    where order_id is not null
    group by order_id
),

failing_orders as (
    select * from order_facts
    where has_inconsistent_header or has_excess_order_discount or has_quarantined_line = 1
),

order_checked as (
    select
        key_checked.*,
        -- a valid line has a contact, a currency and a time, so its order's comparison is never null
        case
            when key_checked.line_quarantine_reason is null
                then coalesce(failing_orders.has_inconsistent_header, false)
        end as has_inconsistent_header,
        case
            when key_checked.line_quarantine_reason is null
                then coalesce(failing_orders.has_excess_order_discount, false)
        end as has_excess_order_discount,
        case
            when key_checked.order_id is not null then coalesce(failing_orders.has_quarantined_line, 0)
        end as has_quarantined_line
    from key_checked
    left join failing_orders
        on key_checked.order_id = failing_orders.order_id
),

checked as (
    select
        *,
        case
            when line_quarantine_reason is not null then line_quarantine_reason
            when has_inconsistent_header then 'inconsistent_order'
            when has_excess_order_discount then 'discount_exceeds_order'
            when has_quarantined_line = 1 then 'incomplete_order'
        end as quarantine_reason,
        case when {{ line_amount_fits }} then quantity * unit_price end as gross_amount,
        case when {{ line_amount_fits }} then quantity * unit_price - discount_amount end as net_amount
    from order_checked
),

final as (
    select
        -- the row as delivered and its fingerprint, on quarantined rows only
        {{- segments.quarantined_raw_columns('checked', raw_columns) }},
        checked.collapsed_duplicates,
        checked.loaded_at,
        rules.rules_fingerprint,

        -- keys
        checked.order_id,
        checked.line_number,
        checked.is_order_total,
        checked.contact_id,
        checked.contact_email,
        checked.product_id,

        -- labels
        checked.order_line_status,
        checked.product_category,
        checked.currency,
        checked.fx_rate_to_reporting,

        -- amounts, in the line's currency
        checked.quantity,
        checked.unit_price,
        checked.discount_amount,
        checked.gross_amount,
        checked.net_amount,
        checked.order_discount_amount,
        checked.shipping_amount,
        checked.tax_amount,

        -- timestamps, UTC
        checked.ordered_at,

        -- the checks, step by step
        checked.row_quarantine_reason,
        checked.key_versions,
        checked.line_quarantine_reason,
        checked.has_inconsistent_header,
        checked.has_excess_order_discount,
        checked.has_quarantined_line,
        checked.quarantine_reason
    from checked
    cross join rules
)

select * from final
