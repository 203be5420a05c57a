with

checked_interactions as (
    select * from {{ ref('stg_interactions__checked') }}
),

quarantined as (
    select
        {{ segments.row_fingerprint([
            'raw_interaction_id',
            'raw_contact_id',
            'raw_occurred_at',
            'raw_channel',
            'raw_interaction_type',
            'raw_topic',
            'raw_campaign_id',
            'raw_rating',
        ]) }} as quarantine_row_id,
        'interactions' as source_table,
        raw_interaction_id as record_key,
        quarantine_reason,
        collapsed_duplicates,
        raw_interaction_id as interaction_id,
        raw_contact_id as contact_id,
        raw_occurred_at as occurred_at,
        raw_channel as channel,
        raw_interaction_type as interaction_type,
        raw_topic as topic,
        raw_campaign_id as campaign_id,
        raw_rating as rating
    from checked_interactions
    where quarantine_reason is not null
)

select * from quarantined
