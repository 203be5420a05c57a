{{ config(enabled=segments.preset_is_on('klaviyo')) }}
{#- One row per live Klaviyo profile, in the contract's contacts columns. Deleted profiles
    (_fivetran_deleted) are left out. email_opt_in is false when the profile unsubscribed
    (consent UNSUBSCRIBED), cannot receive marketing email or is in global_exclusion (a
    suppression: unsubscribe, spam complaint, bounce, manual); true when it subscribed; null
    otherwise (NEVER_SUBSCRIBED, or no consent column: no recorded consent). -#}
{%- set optional_types = {
    'country': dbt.type_string(),
    'subscriptions_email_marketing_consent': dbt.type_string(),
    'subscriptions_email_marketing_can_receive_email_marketing': 'boolean',
} -%}
{%- set person_columns = [] -%}
{%- if execute -%}
    {%- set person_columns = adapter.get_columns_in_relation(source('klaviyo', 'person'))
        | map(attribute='name') | map('lower') | list -%}
{%- endif -%}
{%- set optional = {} -%}
{%- for name, type in optional_types.items() -%}
    {%- do optional.update({name: 'people.' ~ name if name in person_columns else 'cast(null as ' ~ type ~ ')'}) -%}
{%- endfor %}

with

people as (
    select * from {{ source('klaviyo', 'person') }}
),

global_exclusions as (
    select * from {{ source('klaviyo', 'global_exclusion') }}
),

suppressed_people as (
    select distinct person_id
    from global_exclusions
    where not coalesce(_fivetran_deleted, false)
),

contacts as (
    select
        {{ dbt.concat(["'klaviyo:'", 'people.id']) }} as contact_id,
        lower(trim(people.email)) as email,
        people.first_name,
        people.last_name,
        people.organization as company_name,
        people.title as job_title,
        cast(null as {{ dbt.type_string() }}) as industry,
        cast(null as {{ dbt.type_bigint() }}) as company_size,
        -- ISO 3166-1 alpha-2 only: a country name ('United States') is left out
        case
            when length(trim({{ optional['country'] }})) = 2 then upper(trim({{ optional['country'] }}))
        end as country,
        cast(null as {{ dbt.type_string() }}) as acquisition_channel,
        case
            when suppressed_people.person_id is not null then false
            when upper({{ optional['subscriptions_email_marketing_consent'] }}) = 'UNSUBSCRIBED' then false
            when {{ optional['subscriptions_email_marketing_can_receive_email_marketing'] }} = false then false
            when upper({{ optional['subscriptions_email_marketing_consent'] }}) = 'SUBSCRIBED' then true
        end as email_opt_in,
        people.created as created_at,
        people.updated as updated_at
    from people
    left join suppressed_people
        on people.id = suppressed_people.person_id
    where not coalesce(people._fivetran_deleted, false)
)

select * from contacts
