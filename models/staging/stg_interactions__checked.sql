{{ config(
    materialized=segments.staging_materialization(),
    incremental_strategy='delete+insert',
    unique_key='interaction_id',
    on_schema_change='fail',
    pre_hook="{{ segments.forget_stale_checked_rows('interaction_id', 'interactions') }}",
) }}
{%- set raw_columns = segments.raw_contract_columns('interactions') -%}
{%- set interaction_key = [segments.clean_text('interaction_id')] -%}

with

label_spellings as (
    select * from {{ ref('stg_label_spellings') }}
),

rules as (
    -- what raw values are checked against: rows checked with other rules are checked again
    {{ segments.rules_fingerprint({'label_spellings': ['label_domain', 'spelling', 'label']}) }}  -- noqa: LT05
),

-- The keys more than one raw row has (a few): only their rows can be duplicates or versions.
repeating_keys as (
    {{ segments.repeating_raw_keys('interactions', 'interaction_id', 'rules', interaction_key) }}
),

-- Every raw row the loader has not deleted, each column as text (typed columns converted), exact
-- duplicates collapsed into one and counted, with the number of versions of its key; on an
-- incremental run those of the keys new rows touch.
distinct_rows as (
    {{ segments.distinct_raw_rows_to_check(
        'interactions', 'interaction_id', 'rules', interaction_key, 'repeating_keys'
    ) }}
),

parsed as (
    select
        -- the row as delivered (the final select keeps it for quarantined rows only)
        {{- segments.raw_rows_as_delivered('distinct_rows', raw_columns) }}
        distinct_rows.collapsed_duplicates,
        distinct_rows.key_versions,
        distinct_rows.loaded_at,

        -- keys
        {{ segments.clean_text('distinct_rows.interaction_id') }} as interaction_id,
        {{ segments.clean_text('distinct_rows.contact_id') }} as contact_id,
        {{ segments.clean_text('distinct_rows.campaign_id') }} as campaign_id,

        -- labels
        channel_spellings.label as channel,
        type_spellings.label as interaction_type,
        lower({{ segments.clean_text('distinct_rows.topic') }}) as topic,

        -- measures
        {{ segments.parse_integer('distinct_rows.rating') }} as rating,

        -- timestamps, UTC
        {{ segments.parse_timestamp_utc('distinct_rows.occurred_at') }} as occurred_at
    from distinct_rows
    left join label_spellings as channel_spellings
        on
            channel_spellings.label_domain = 'channel'
            and channel_spellings.spelling = {{ segments.normalize_label('distinct_rows.channel') }}
    left join label_spellings as type_spellings
        on
            type_spellings.label_domain = 'interaction_type'
            and type_spellings.spelling = {{ segments.normalize_label('distinct_rows.interaction_type') }}
),

row_checked as (
    select
        *,
        case
            when interaction_id is null or contact_id is null then 'missing_key'
            when {{ segments.clean_text('raw_occurred_at') }} is null then 'missing_required_value'
            when occurred_at is null then 'unparseable_timestamp'
            when {{ segments.clean_text('raw_rating') }} is not null and rating is null then 'unparseable_number'
            when {{ segments.clean_text('raw_channel') }} is not null and channel is null then 'unknown_channel'
            when {{ segments.clean_text('raw_interaction_type') }} is not null and interaction_type is null
                then 'unknown_interaction_type'
            when rating not between 1 and 5 then 'invalid_rating'
            when rating is not null and coalesce(interaction_type, '') != 'review' then 'invalid_rating'
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
        rules.rules_fingerprint,

        -- keys
        checked.interaction_id,
        checked.contact_id,
        checked.campaign_id,

        -- labels
        checked.channel,
        checked.interaction_type,
        checked.topic,

        -- measures
        checked.rating,

        -- timestamps, UTC
        checked.occurred_at,

        -- the checks, step by step
        checked.row_quarantine_reason,
        checked.key_versions,
        checked.quarantine_reason
    from checked
    cross join rules
)

select * from final
