{#- The valid refunds that no revenue subtracts, with the reason (int_refund_checks): valid rows
    on their own, listed beside the quarantine (rpt_quarantine_overview, rpt_source_reconciliation)
    so nothing is lost silently. -#}
with

refunds as (
    select * from {{ ref('stg_refunds') }}
),

refund_checks as (
    select * from {{ ref('int_refund_checks') }}
),

not_applied as (
    select
        'refunds' as source_table,
        refunds.refund_id as record_key,
        refund_checks.quarantine_reason,
        refunds.refund_id,
        refunds.order_id,
        refunds.line_number,
        refunds.refunded_at,
        refunds.refund_amount,
        refunds.collapsed_duplicates
    from refunds
    inner join refund_checks
        on refunds.refund_id = refund_checks.refund_id
    where refund_checks.quarantine_reason is not null
)

select * from not_applied
