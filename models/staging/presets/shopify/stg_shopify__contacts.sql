{{ config(enabled=('shopify' in var('segments_presets', []))) }}

{#- Fivetran's published customer table has no _fivetran_deleted; honour it where a connector writes it -#}
{%- set customer_columns = adapter.get_columns_in_relation(source('shopify', 'customer')) if execute else [] -%}
{%- set has_deleted_flag = '_fivetran_deleted' in (customer_columns | map(attribute='name') | map('lower') | list) -%}
{%- set has_consent_state = 'email_marketing_consent_state' in (customer_columns | map(attribute='name') | map('lower') | list) -%}

with

shopify_customers as (
    select * from {{ source('shopify', 'customer') }}
),

customers_kept as (
    select * from shopify_customers
    {%- if has_deleted_flag %}
    where not coalesce(_fivetran_deleted, false)
    {%- endif %}
),

contract_contacts as (
    select
        {{ dbt.concat(["'shopify:'", "cast(id as " ~ dbt.type_string() ~ ")"]) }} as contact_id,
        nullif(trim(email), '') as email,
        nullif(trim(first_name), '') as first_name,
        nullif(trim(last_name), '') as last_name,
        cast(null as {{ dbt.type_string() }}) as company_name,
        cast(null as {{ dbt.type_string() }}) as job_title,
        cast(null as {{ dbt.type_string() }}) as industry,
        cast(null as {{ dbt.type_bigint() }}) as company_size,
        cast(null as {{ dbt.type_string() }}) as country,
        cast(null as {{ dbt.type_string() }}) as acquisition_channel,
        {%- if has_consent_state %}
        case
            when lower(email_marketing_consent_state) = 'subscribed' then true
            when lower(email_marketing_consent_state) in ('not_subscribed', 'unsubscribed', 'redacted', 'invalid')
                then false
            else accepts_marketing
        end as email_opt_in,
        {%- else %}
        accepts_marketing as email_opt_in,
        {%- endif %}
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at
    from customers_kept
)

select * from contract_contacts
