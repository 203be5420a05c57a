with

checked_contacts as (
    select * from {{ ref('stg_contacts__checked') }}
),

quarantined as (
    select
        {{ segments.row_fingerprint([
            'raw_contact_id',
            'raw_email',
            'raw_first_name',
            'raw_last_name',
            'raw_company_name',
            'raw_job_title',
            'raw_industry',
            'raw_company_size',
            'raw_country',
            'raw_acquisition_channel',
            'raw_email_opt_in',
            'raw_created_at',
            'raw_updated_at',
        ]) }} as quarantine_row_id,
        'contacts' as source_table,
        raw_contact_id as record_key,
        quarantine_reason,
        collapsed_duplicates,
        raw_contact_id as contact_id,
        raw_email as email,
        raw_first_name as first_name,
        raw_last_name as last_name,
        raw_company_name as company_name,
        raw_job_title as job_title,
        raw_industry as industry,
        raw_company_size as company_size,
        raw_country as country,
        raw_acquisition_channel as acquisition_channel,
        raw_email_opt_in as email_opt_in,
        raw_created_at as created_at,
        raw_updated_at as updated_at
    from checked_contacts
    where quarantine_reason is not null
)

select * from quarantined
