{#- One row per export or reverse-ETL sync of an audience logged by the CLI (source exports,
    campaign_exports). The log is created by the first export: until then, and on an engine the
    CLI does not write to, this model reads no row instead of failing. -#}
{%- set log_table = source('exports', 'campaign_exports') -%}
{%- set log_relation = adapter.get_relation(
    database=log_table.database, schema=log_table.schema, identifier=log_table.identifier
) if execute else none -%}

with

campaign_exports as (
    {% if log_relation is not none -%}
        select
            export_id,
            audience_name,
            audience_key,
            as_of_date,
            exported_at,
            mode,
            preset
        from {{ log_table }}
    {%- else -%}
        select
            cast(null as {{ dbt.type_string() }}) as export_id,
            cast(null as {{ dbt.type_string() }}) as audience_name,
            cast(null as {{ dbt.type_string() }}) as audience_key,
            cast(null as date) as as_of_date,
            cast(null as {{ dbt.type_timestamp() }}) as exported_at,
            cast(null as {{ dbt.type_string() }}) as mode,
            cast(null as {{ dbt.type_string() }}) as preset
        where 1 = 0
    {%- endif %}
),

renamed as (
    select
        -- keys
        cast(export_id as {{ dbt.type_string() }}) as export_id,
        -- what was sent
        cast(audience_name as {{ dbt.type_string() }}) as audience_name,
        cast(audience_key as {{ dbt.type_string() }}) as audience_key,
        cast(mode as {{ dbt.type_string() }}) as export_mode,
        cast(preset as {{ dbt.type_string() }}) as export_preset,
        -- dates
        cast(as_of_date as date) as export_as_of_date,
        cast(exported_at as {{ dbt.type_timestamp() }}) as exported_at
    from campaign_exports
)

select * from renamed
