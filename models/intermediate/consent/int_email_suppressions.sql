{#- One row per normalised email address (trimmed, lower-cased) that must not be emailed: opted
    out or unsubscribed under any contact id carrying it, or named by a quarantined row that may
    carry such a signal. Current, whatever the as_of_date of the build. -#}
with

email_consent_signals as (
    select * from {{ ref('int_email_consent_signals') }}
),

reasons_per_address as (
    select distinct
        email,
        suppression_reason
    from email_consent_signals
),

reason_lists as (
    select
        email,
        {{ segments.ordered_listagg('suppression_reason', "', '", 'order by suppression_reason') }}
            as suppression_reasons
    from reasons_per_address
    group by email
),

addresses as (
    select
        email,
        -- the first reason in this order: what the contact said, then what quarantine may hide
        case
            when {{ dbt.bool_or("suppression_reason = 'opted_out'") }} then 'opted_out'
            when {{ dbt.bool_or("suppression_reason = 'unsubscribed'") }} then 'unsubscribed'
            when {{ dbt.bool_or("suppression_reason = 'quarantined_opt_out'") }} then 'quarantined_opt_out'
            else 'quarantined_unsubscribe'
        end as suppression_reason,
        {{ dbt.bool_or("suppression_reason = 'opted_out'") }} as is_opted_out,
        {{ dbt.bool_or("suppression_reason = 'unsubscribed'") }} as is_unsubscribed,
        {{ dbt.bool_or("suppression_reason = 'quarantined_opt_out'") }} as has_quarantined_opt_out,
        {{ dbt.bool_or("suppression_reason = 'quarantined_unsubscribe'") }} as has_quarantined_unsubscribe,
        count(distinct contact_id) as signalling_contacts,
        count(*) as signals,
        min(observed_at) as first_seen_at
    from email_consent_signals
    group by email
),

suppressions as (
    select
        addresses.email,
        addresses.suppression_reason,
        reason_lists.suppression_reasons,
        addresses.is_opted_out,
        addresses.is_unsubscribed,
        addresses.has_quarantined_opt_out,
        addresses.has_quarantined_unsubscribe,
        addresses.signalling_contacts,
        addresses.signals,
        addresses.first_seen_at
    from addresses
    inner join reason_lists
        on addresses.email = reason_lists.email
)

select * from suppressions
