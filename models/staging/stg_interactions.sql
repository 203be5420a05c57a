with

checked_interactions as (
    select * from {{ ref('stg_interactions__checked') }}
),

valid_interactions as (
    select
        -- keys
        interaction_id,
        contact_id,
        campaign_id,

        -- labels
        channel,
        interaction_type,
        topic,

        -- measures
        rating,

        -- timestamps, UTC
        occurred_at,

        -- lineage
        collapsed_duplicates
    from checked_interactions
    where quarantine_reason is null
)

select * from valid_interactions
