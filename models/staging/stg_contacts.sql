with

checked_contacts as (
    select * from {{ ref('stg_contacts__checked') }}
),

valid_contacts as (
    select
        -- keys
        contact_id,

        -- personal and firmographic attributes
        email,
        first_name,
        last_name,
        company_name,
        job_title,
        industry,
        company_size,
        country,
        acquisition_channel,

        -- consent
        email_opt_in,

        -- timestamps, UTC
        created_at,
        updated_at,

        -- lineage
        collapsed_duplicates
    from checked_contacts
    where quarantine_reason is null
)

select * from valid_contacts
