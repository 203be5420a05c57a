{#- What was set aside, per source and reason, with the reason's meaning and a sample key: the
    quarantined rows, the staged rows whose contact is unknown (left out of every fact) and the
    valid refunds no revenue subtracts. -#}
with

quarantine_contacts as (
    select * from {{ ref('quarantine_contacts') }}
),

quarantine_order_lines as (
    select * from {{ ref('quarantine_order_lines') }}
),

quarantine_interactions as (
    select * from {{ ref('quarantine_interactions') }}
),

order_lines_without_contact as (
    select * from {{ ref('int_order_lines_without_contact') }}
),

interactions_without_contact as (
    select * from {{ ref('int_interactions_without_contact') }}
),

quarantine_refunds as (
    select * from {{ ref('quarantine_refunds') }}
),

refunds_not_applied as (
    select * from {{ ref('int_refunds_not_applied') }}
),

quarantine_reasons as (
    select * from {{ ref('quarantine_reasons') }}
),

quarantined_rows as (
    select
        source_table,
        quarantine_reason,
        record_key
    from quarantine_contacts
    union all
    select
        source_table,
        quarantine_reason,
        record_key
    from quarantine_order_lines
    union all
    select
        source_table,
        quarantine_reason,
        record_key
    from quarantine_interactions
    union all
    select
        source_table,
        quarantine_reason,
        record_key
    from order_lines_without_contact
    union all
    select
        source_table,
        quarantine_reason,
        record_key
    from interactions_without_contact
    union all
    select
        source_table,
        quarantine_reason,
        record_key
    from quarantine_refunds
    union all
    select
        source_table,
        quarantine_reason,
        record_key
    from refunds_not_applied
),

overview as (
    select
        quarantined_rows.source_table,
        quarantined_rows.quarantine_reason,
        quarantine_reasons.description,
        count(*) as quarantined_rows,
        min(quarantined_rows.record_key) as sample_record_key
    from quarantined_rows
    left join quarantine_reasons
        on quarantined_rows.quarantine_reason = quarantine_reasons.quarantine_reason
    group by
        quarantined_rows.source_table,
        quarantined_rows.quarantine_reason,
        quarantine_reasons.description
)

select * from overview
