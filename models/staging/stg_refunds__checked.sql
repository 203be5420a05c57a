{#- Refunds are few (one row per refund event): rebuilt in full on every run, no incremental
    bookkeeping. The raw table is optional: absent, it reads as no rows. -#}
{{ config(materialized='table') }}
{%- set raw_columns = segments.raw_contract_columns('refunds') -%}
{%- set refund_key = [segments.clean_text('refund_id')] -%}

with

-- The keys more than one raw row has (a few): only their rows can be duplicates or versions.
repeating_keys as (
    {{ segments.repeating_raw_keys('refunds', 'refund_id', none, refund_key) }}
),

-- Every raw row the loader has not deleted, each column as text (typed columns converted), exact
-- duplicates collapsed into one and counted, with the number of versions of its key.
distinct_rows as (
    {{ segments.distinct_raw_rows_to_check('refunds', 'refund_id', none, refund_key, 'repeating_keys') }}
),

parsed as (
    select
        -- the row as delivered (the final select keeps it for quarantined rows only)
        {{- segments.raw_rows_as_delivered('distinct_rows', raw_columns) }}
        distinct_rows.collapsed_duplicates,
        distinct_rows.key_versions,
        distinct_rows.loaded_at,

        -- keys; no line_number: a refund of the whole order
        {{ segments.clean_text('distinct_rows.refund_id') }} as refund_id,
        {{ segments.clean_text('distinct_rows.order_id') }} as order_id,
        {{ segments.clean_text('distinct_rows.line_number') }} as line_number,

        -- amount, in the order's currency
        {{ segments.parse_number('distinct_rows.amount') }} as refund_amount,

        -- timestamps, UTC
        {{ segments.parse_timestamp_utc('distinct_rows.refunded_at') }} as refunded_at
    from distinct_rows
),

row_checked as (
    select
        *,
        case
            when refund_id is null or order_id is null then 'missing_key'
            when
                {{ segments.clean_text('raw_refunded_at') }} is null
                or {{ segments.clean_text('raw_amount') }} is null
                then 'missing_required_value'
            when refunded_at is null then 'unparseable_timestamp'
            when refund_amount is null then 'unparseable_number'
            when refund_amount < 0 then 'negative_number'
        end as row_quarantine_reason
    from parsed
),

checked as (
    select
        *,
        case
            when row_quarantine_reason is not null then row_quarantine_reason
            when key_versions > 1 then 'conflicting_duplicate_key'
        end as quarantine_reason
    from row_checked
),

final as (
    select
        -- the row as delivered and its fingerprint, on quarantined rows only
        {{- segments.quarantined_raw_columns('checked', raw_columns) }},
        checked.collapsed_duplicates,
        checked.loaded_at,

        -- keys
        checked.refund_id,
        checked.order_id,
        checked.line_number,

        -- amount, in the order's currency
        checked.refund_amount,

        -- timestamps, UTC
        checked.refunded_at,

        -- the checks, step by step
        checked.row_quarantine_reason,
        checked.key_versions,
        checked.quarantine_reason
    from checked
)

select * from final
