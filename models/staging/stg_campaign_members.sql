{#- One row per contact of a logged export or sync (source exports, campaign_members): treated
    (sent) or holdout. No row until the first export creates the log. -#}
{%- set log_table = source('exports', 'campaign_members') -%}
{%- set log_relation = adapter.get_relation(
    database=log_table.database, schema=log_table.schema, identifier=log_table.identifier
) if execute else none -%}

with

campaign_members as (
    {% if log_relation is not none -%}
        select
            export_id,
            contact_id,
            campaign_group
        from {{ log_table }}
    {%- else -%}
        select
            cast(null as {{ dbt.type_string() }}) as export_id,
            cast(null as {{ dbt.type_string() }}) as contact_id,
            cast(null as {{ dbt.type_string() }}) as campaign_group
        where 1 = 0
    {%- endif %}
),

renamed as (
    select
        -- keys
        cast(export_id as {{ dbt.type_string() }}) as export_id,
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        -- group
        cast(campaign_group as {{ dbt.type_string() }}) as campaign_group
    from campaign_members
)

select * from renamed
