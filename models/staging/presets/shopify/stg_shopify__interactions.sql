{{ config(enabled=segments.preset_is_on('shopify')) }}

with

shopify_abandoned_checkouts as (
    select * from {{ source('shopify', 'abandoned_checkout') }}
),

contract_interactions as (
    -- a guest's abandoned checkout (no customer_id) has no contact to attach to: left out
    select
        {{ dbt.concat(["'shopify:'", "cast(id as " ~ dbt.type_string() ~ ")"]) }} as interaction_id,
        {{ dbt.concat(["'shopify:'", "cast(customer_id as " ~ dbt.type_string() ~ ")"]) }} as contact_id,
        cast(created_at as {{ dbt.type_timestamp() }}) as occurred_at,
        'web' as channel,
        'cart_abandon' as interaction_type,
        cast(null as {{ dbt.type_string() }}) as topic,
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        cast(null as {{ dbt.type_bigint() }}) as rating
    from shopify_abandoned_checkouts
    where
        not coalesce(_fivetran_deleted, false)
        and customer_id is not null
)

select * from contract_interactions
