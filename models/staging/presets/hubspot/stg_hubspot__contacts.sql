{{ config(enabled=segments.preset_is_on('hubspot')) }}
{#- One row per live HubSpot contact, in the contract's contacts columns, plus one per address
    that unsubscribed (or reported spam) in an email event matching no live contact: key
    'hubspot:recipient:<address>', opted out, so the address stays suppressed whatever other
    record (another preset's) carries it. Deleted contacts (_fivetran_deleted) are left out; a
    merged-away contact is left out and its opt-out carried to the contact it was merged into. -#}
{%- set optional_types = {
    'property_industry': dbt.type_string(),
    'property_numemployees': dbt.type_string(),
    'property_country': dbt.type_string(),
    'property_hs_country_region_code': dbt.type_string(),
    'property_hs_analytics_source': dbt.type_string(),
    'property_hs_email_optout': 'boolean',
    'property_lastmodifieddate': dbt.type_timestamp(),
} -%}
{%- set contact_columns = [] -%}
{%- if execute -%}
    {%- set contact_columns = adapter.get_columns_in_relation(source('hubspot', 'contact'))
        | map(attribute='name') | map('lower') | list -%}
{%- endif -%}
{%- set optional = {} -%}
{%- for name, type in optional_types.items() -%}
    {%- do optional.update({name: name if name in contact_columns else 'cast(null as ' ~ type ~ ')'}) -%}
{%- endfor -%}

with

source_contacts as (
    select * from {{ source('hubspot', 'contact') }}
),

contact_merges as (
    select * from {{ ref('stg_hubspot__contact_merges') }}
),

email_events as (
    select * from {{ ref('stg_hubspot__email_events') }}
),

contact_rows as (
    select
        cast(id as {{ dbt.type_string() }}) as vid,
        coalesce(_fivetran_deleted, false) as is_deleted,
        lower(trim(property_email)) as email,
        property_firstname as first_name,
        property_lastname as last_name,
        property_company as company_name,
        property_jobtitle as job_title,
        {{ optional['property_industry'] }} as industry,
        trim({{ optional['property_numemployees'] }}) as employees,
        upper(trim({{ optional['property_hs_country_region_code'] }})) as country_code,
        upper(trim({{ optional['property_country'] }})) as country_text,
        upper(trim({{ optional['property_hs_analytics_source'] }})) as analytics_source,
        {{ optional['property_hs_email_optout'] }} as is_opted_out,
        property_createdate as created_at,
        {{ optional['property_lastmodifieddate'] }} as updated_at
    from source_contacts
),

contact_rows_resolved as (
    -- each row with the vid of the contact it belongs to now (itself unless merged away)
    select
        contact_rows.*,
        coalesce(contact_merges.canonical_vid, contact_rows.vid) as canonical_vid
    from contact_rows
    left join contact_merges
        on contact_rows.vid = contact_merges.merged_vid
),

opt_outs_by_contact as (
    -- an opt-out under any row merged into a contact (deleted or not) is the contact's
    select
        canonical_vid,
        max(case when is_opted_out then 1 else 0 end) as has_opted_out
    from contact_rows_resolved
    group by canonical_vid
),

live_contacts as (
    select
        {{ dbt.concat(["'hubspot:'", 'contact_rows_resolved.vid']) }} as contact_id,
        contact_rows_resolved.email,
        contact_rows_resolved.first_name,
        contact_rows_resolved.last_name,
        contact_rows_resolved.company_name,
        contact_rows_resolved.job_title,
        contact_rows_resolved.industry,
        -- a whole number, or the lower bound of a HubSpot range ('25-50' -> 25, '1000+' -> 1000)
        coalesce(
            {{ segments.parse_integer('contact_rows_resolved.employees') }},
            {{ segments.parse_integer(
                "split_part(replace(contact_rows_resolved.employees, '+', ''), '-', 1)"
            ) }}
        ) as company_size,
        -- ISO 3166-1 alpha-2 only: the region code, else a two-letter country; a name is left out
        case
            when length(contact_rows_resolved.country_code) = 2 then contact_rows_resolved.country_code
            when length(contact_rows_resolved.country_text) = 2 then contact_rows_resolved.country_text
        end as country,
        case contact_rows_resolved.analytics_source
            when 'ORGANIC_SEARCH' then 'organic_search'
            when 'PAID_SEARCH' then 'paid_search'
            when 'EMAIL_MARKETING' then 'email'
            when 'SOCIAL_MEDIA' then 'social'
            when 'PAID_SOCIAL' then 'paid_social'
            when 'REFERRALS' then 'referral'
            when 'OTHER_CAMPAIGNS' then 'other_campaigns'
            when 'DIRECT_TRAFFIC' then 'direct'
            when 'OFFLINE' then 'offline'
            else lower(contact_rows_resolved.analytics_source)
        end as acquisition_channel,
        -- HubSpot records an opt-out, not an opt-in: not opted out reads as opted in
        case
            when opt_outs_by_contact.has_opted_out = 1 then false
            when contact_rows_resolved.is_opted_out = false then true
        end as email_opt_in,
        contact_rows_resolved.created_at,
        contact_rows_resolved.updated_at
    from contact_rows_resolved
    inner join opt_outs_by_contact
        on contact_rows_resolved.canonical_vid = opt_outs_by_contact.canonical_vid
    where not contact_rows_resolved.is_deleted and contact_rows_resolved.vid = contact_rows_resolved.canonical_vid
),

live_addresses as (
    select distinct email
    from live_contacts
    where email is not null
),

unmatched_withdrawals as (
    -- addresses that unsubscribed or reported spam and that no live contact carries
    select
        email_events.recipient_email as email,
        min(email_events.occurred_at) as created_at,
        max(email_events.occurred_at) as updated_at
    from email_events
    left join live_addresses
        on email_events.recipient_email = live_addresses.email
    where email_events.interaction_type = 'unsubscribe' and live_addresses.email is null
    group by email_events.recipient_email
),

recipient_contacts as (
    select
        {{ dbt.concat(["'hubspot:recipient:'", 'email']) }} as contact_id,
        email,
        cast(null as {{ dbt.type_string() }}) as first_name,
        cast(null as {{ dbt.type_string() }}) as last_name,
        cast(null as {{ dbt.type_string() }}) as company_name,
        cast(null as {{ dbt.type_string() }}) as job_title,
        cast(null as {{ dbt.type_string() }}) as industry,
        cast(null as {{ dbt.type_bigint() }}) as company_size,
        cast(null as {{ dbt.type_string() }}) as country,
        cast(null as {{ dbt.type_string() }}) as acquisition_channel,
        false as email_opt_in,
        created_at,
        updated_at
    from unmatched_withdrawals
),

contacts as (
    select * from live_contacts
    union all
    select * from recipient_contacts
)

select * from contacts
