{#- The table reverse-ETL syncs (Hightouch, Census): one row per contact with only what should
    trigger a sync — who the contact is, whether it may be emailed, and its labels, tiers and bands.
    No as_of_date and no exact score (monetary, predicted_clv, probabilities: they stay in their
    marts), so a row changes between two daily builds only when something a destination shows
    changed. sync_hash covers every column but the key: a sync's change column. -#}
{%- set synced_columns = segments.columns_except(
    ref('contact_segments'),
    ['contact_id', 'frequency', 'monetary', 'last_order_date', 'predicted_clv', 'as_of_date']
) -%}

with

contact_segments as (
    select * from {{ ref('contact_segments') }}
),

synced as (
    select
        contact_id,
        {% for column in synced_columns -%}
            {{ column }},
        {% endfor -%}
        {{ segments.row_fingerprint(synced_columns) }} as sync_hash
    from contact_segments
)

select * from synced
