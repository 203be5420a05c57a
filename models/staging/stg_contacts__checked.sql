{{ config(materialized='table') }}
{%- set raw_columns = segments.raw_contract_columns('contacts') -%}

with

source as (
    -- every raw row the loader has not deleted, each column as text (typed columns converted)
    {{ segments.raw_rows('contacts') }}
),

distinct_rows as (
    -- Exact duplicate rows collapse into one; the extra copies are counted, never lost.
    {{ segments.collapse_exact_duplicates('source', raw_columns) }}
),

parsed as (
    select
        -- the row as delivered (the final select keeps it for quarantined rows only)
        {{- segments.raw_rows_as_delivered(none, raw_columns) }}
        collapsed_duplicates,

        -- keys
        {{ segments.clean_text('contact_id') }} as contact_id,

        -- personal and firmographic attributes
        lower({{ segments.clean_text('email') }}) as email,
        {{ segments.clean_text('first_name') }} as first_name,
        {{ segments.clean_text('last_name') }} as last_name,
        {{ segments.clean_text('company_name') }} as company_name,
        {{ segments.clean_text('job_title') }} as job_title,
        {{ segments.clean_text('industry') }} as industry,
        {{ segments.parse_integer('company_size') }} as company_size,
        upper({{ segments.clean_text('country') }}) as country,
        {{ segments.normalize_label('acquisition_channel') }} as acquisition_channel,

        -- consent
        {{ segments.parse_boolean('email_opt_in') }} as email_opt_in,

        -- timestamps, UTC
        {{ segments.parse_timestamp_utc('created_at') }} as created_at,
        {{ segments.parse_timestamp_utc('updated_at') }} as updated_at
    from distinct_rows
),

row_checked as (
    select
        *,
        case
            when contact_id is null then 'missing_key'
            when {{ segments.clean_text('raw_created_at') }} is null then 'missing_required_value'
            when created_at is null then 'unparseable_timestamp'
            when {{ segments.clean_text('raw_updated_at') }} is not null and updated_at is null
                then 'unparseable_timestamp'
            when {{ segments.clean_text('raw_company_size') }} is not null and company_size is null
                then 'unparseable_number'
            when company_size < 0 then 'negative_number'
            when {{ segments.clean_text('raw_email_opt_in') }} is not null and email_opt_in is null
                then 'invalid_boolean'
        end as row_quarantine_reason
    from parsed
),

conflicting_keys as (
    -- an aggregate joined back (cheaper than a window over millions of wide rows), of the few
    -- conflicting keys only
    {{ segments.conflicting_keys('parsed', ['contact_id']) }}
),

latest_versions as (
    -- A routine change feed (CDC): a newer version of a contact, same id, later updated_at. The
    -- latest version wins when every version has an updated_at and exactly one holds the latest.
    select
        parsed.contact_id,
        max(parsed.updated_at) as latest_updated_at,
        count(*) = count(parsed.updated_at) as every_version_dated
    from parsed
    inner join conflicting_keys
        on parsed.contact_id = conflicting_keys.contact_id
    group by parsed.contact_id
),

decided_versions as (
    select
        latest_versions.contact_id,
        latest_versions.latest_updated_at
    from latest_versions
    inner join parsed
        on
            latest_versions.contact_id = parsed.contact_id
            and latest_versions.latest_updated_at = parsed.updated_at
    where latest_versions.every_version_dated
    group by latest_versions.contact_id, latest_versions.latest_updated_at
    having count(*) = 1
),

checked as (
    select
        row_checked.*,
        case
            when row_checked.contact_id is not null then coalesce(conflicting_keys.key_versions, 1)
        end as key_versions,
        case
            when row_checked.row_quarantine_reason is not null then row_checked.row_quarantine_reason
            when conflicting_keys.key_versions > 1 and decided_versions.contact_id is null
                then 'conflicting_duplicate_key'
            when conflicting_keys.key_versions > 1 and row_checked.updated_at < decided_versions.latest_updated_at
                then 'superseded_version'
        end as quarantine_reason
    from row_checked
    left join conflicting_keys
        on row_checked.contact_id = conflicting_keys.contact_id
    left join decided_versions
        on row_checked.contact_id = decided_versions.contact_id
),

final as (
    select
        -- the row as delivered and its fingerprint, on quarantined rows only
        {{- segments.quarantined_raw_columns('checked', raw_columns) }},
        checked.collapsed_duplicates,

        -- keys
        checked.contact_id,

        -- personal and firmographic attributes
        checked.email,
        checked.first_name,
        checked.last_name,
        checked.company_name,
        checked.job_title,
        checked.industry,
        checked.company_size,
        checked.country,
        checked.acquisition_channel,

        -- consent
        checked.email_opt_in,

        -- timestamps, UTC
        checked.created_at,
        checked.updated_at,

        -- the checks, step by step
        checked.row_quarantine_reason,
        checked.key_versions,
        checked.quarantine_reason
    from checked
)

select * from final
