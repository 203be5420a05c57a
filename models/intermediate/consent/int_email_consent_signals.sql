{#- One row per consent signal and address it applies to, over every staged and quarantined row
    (no as_of_date filter: consent applies at once, whatever date the segments are built for). A
    signal is an opt-out of a contact row, an unsubscribe interaction, or a quarantined row that
    may carry either (fail-safe: it counts until the row is fixed and loaded again). It applies to
    the row's own address and to every address any record of its contact id carries. -#}
{%- set withdrawal_patterns = var('segments_consent_withdrawal_patterns') -%}

with

contacts as (
    select * from {{ ref('stg_contacts') }}
),

interactions as (
    select * from {{ ref('stg_interactions') }}
),

quarantine_contacts as (
    select * from {{ ref('quarantine_contacts') }}
),

quarantine_interactions as (
    select * from {{ ref('quarantine_interactions') }}
),

label_spellings as (
    select * from {{ ref('stg_label_spellings') }}
),

quarantined_contacts_parsed as (
    select
        quarantine_row_id,
        {{ segments.clean_text('contact_id') }} as contact_id,
        lower({{ segments.clean_text('email') }}) as email,
        {{ segments.clean_text('email_opt_in') }} as raw_email_opt_in,
        {{ segments.parse_boolean('email_opt_in') }} as email_opt_in,
        coalesce(
            {{ segments.parse_timestamp_utc('updated_at') }},
            {{ segments.parse_timestamp_utc('created_at') }}
        ) as observed_at
    from quarantine_contacts
),

contact_addresses as (
    -- every address a contact id carries, in staging or in quarantine
    select
        contact_id,
        email
    from contacts
    where email is not null
    union
    select
        contact_id,
        email
    from quarantined_contacts_parsed
    where contact_id is not null and email is not null
),

opted_out_contacts as (
    select
        'opted_out' as suppression_reason,
        'contacts' as source_table,
        contact_id as source_row_key,
        contact_id,
        email,
        coalesce(updated_at, created_at) as observed_at
    from contacts
    where email_opt_in = false
),

unsubscribe_interactions as (
    select
        'unsubscribed' as suppression_reason,
        'interactions' as source_table,
        interaction_id as source_row_key,
        contact_id,
        cast(null as {{ dbt.type_string() }}) as email,
        occurred_at as observed_at
    from interactions
    where interaction_type = 'unsubscribe'
),

quarantined_opt_outs as (
    -- an opt-in that reads false, or that cannot be read as true: when in doubt, do not send
    select
        'quarantined_opt_out' as suppression_reason,
        'contacts' as source_table,
        quarantine_row_id as source_row_key,
        contact_id,
        email,
        observed_at
    from quarantined_contacts_parsed
    where
        email_opt_in = false
        or (raw_email_opt_in is not null and email_opt_in is null)
),

quarantined_interactions_labelled as (
    select
        quarantine_interactions.quarantine_row_id,
        {{ segments.clean_text('quarantine_interactions.contact_id') }} as contact_id,
        {{ segments.normalize_label('quarantine_interactions.interaction_type') }} as type_spelling,
        type_spellings.label as interaction_type,
        {{ segments.parse_timestamp_utc('quarantine_interactions.occurred_at') }} as observed_at
    from quarantine_interactions
    left join label_spellings as type_spellings
        on
            type_spellings.label_domain = 'interaction_type'
            and type_spellings.spelling = {{ segments.normalize_label('quarantine_interactions.interaction_type') }}
),

quarantined_unsubscribes as (
    -- whatever the reason of the quarantine: a known spelling of unsubscribe, or one whose key
    -- without separators ('Un-Subscribed' -> unsubscribed) matches var segments_consent_withdrawal_patterns
    select
        'quarantined_unsubscribe' as suppression_reason,
        'interactions' as source_table,
        quarantine_row_id as source_row_key,
        contact_id,
        cast(null as {{ dbt.type_string() }}) as email,
        observed_at
    from quarantined_interactions_labelled
    where
        interaction_type = 'unsubscribe'
        {%- for pattern in withdrawal_patterns %}
            or replace(type_spelling, '_', '') like '{{ pattern }}'
        {%- endfor %}
),

signals as (
    select * from opted_out_contacts
    union all
    select * from unsubscribe_interactions
    union all
    select * from quarantined_opt_outs
    union all
    select * from quarantined_unsubscribes
),

signal_addresses as (
    -- the row's own address, and every address of its contact id
    select
        suppression_reason,
        source_table,
        source_row_key,
        contact_id,
        email,
        observed_at
    from signals
    where email is not null
    union
    select
        signals.suppression_reason,
        signals.source_table,
        signals.source_row_key,
        signals.contact_id,
        contact_addresses.email,
        signals.observed_at
    from signals
    inner join contact_addresses
        on signals.contact_id = contact_addresses.contact_id
)

select * from signal_addresses
