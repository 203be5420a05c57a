{{ config(enabled=segments.preset_is_on('stripe')) }}

with

stripe_customers as (
    select * from {{ source('stripe', 'customer') }}
),

customers_named as (
    -- Stripe keeps one name field: the first word is the first name, the rest the last name
    select
        id,
        email,
        address_country,
        created,
        nullif(trim(name), '') as full_name
    from stripe_customers
    -- test-mode customers (livemode false) are not real people
    where not coalesce(is_deleted, false) and coalesce(livemode, true)
),

contract_contacts as (
    select
        {{ dbt.concat(["'stripe:'", "id"]) }} as contact_id,
        nullif(trim(email), '') as email,
        case
            when {{ dbt.position("' '", "full_name") }} > 0
                then substr(full_name, 1, {{ dbt.position("' '", "full_name") }} - 1)
            else full_name
        end as first_name,
        case
            when {{ dbt.position("' '", "full_name") }} > 0
                then nullif(trim(substr(full_name, {{ dbt.position("' '", "full_name") }} + 1)), '')
        end as last_name,
        cast(null as {{ dbt.type_string() }}) as company_name,
        cast(null as {{ dbt.type_string() }}) as job_title,
        cast(null as {{ dbt.type_string() }}) as industry,
        cast(null as {{ dbt.type_bigint() }}) as company_size,
        upper(nullif(trim(address_country), '')) as country,
        cast(null as {{ dbt.type_string() }}) as acquisition_channel,
        cast(null as {{ dbt.type_boolean() }}) as email_opt_in,
        cast(created as {{ dbt.type_timestamp() }}) as created_at,
        cast(null as {{ dbt.type_timestamp() }}) as updated_at
    from customers_named
)

select * from contract_contacts
