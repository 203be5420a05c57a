{{ config(enabled=segments.preset_is_on('shopify')) }}

{#- Fivetran's published customer table has no _fivetran_deleted; honour it where a connector writes it -#}
{%- set customer_relation = source('shopify', 'customer') -%}
{%- set customer_columns = adapter.get_columns_in_relation(customer_relation) if execute else [] -%}
{%- set column_names = customer_columns | map(attribute='name') | map('lower') | list -%}
{%- set has_deleted_flag = '_fivetran_deleted' in column_names -%}
{#- the consent state replaced accepts_marketing in 2022; older syncs have only the flag -#}
{%- if 'email_marketing_consent_state' in column_names -%}
    {%- set email_opt_in = "case when lower(email_marketing_consent_state) = 'subscribed' then true"
        ~ " when lower(email_marketing_consent_state) in ('not_subscribed', 'unsubscribed', 'redacted', 'invalid')"
        ~ " then false else accepts_marketing end" -%}
{%- else -%}
    {%- set email_opt_in = 'accepts_marketing' -%}
{%- endif %}

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
        {{ email_opt_in }} as email_opt_in,
        cast(created_at as {{ dbt.type_timestamp() }}) as created_at,
        cast(updated_at as {{ dbt.type_timestamp() }}) as updated_at
    from customers_kept
)

select * from contract_contacts
