{%- set raw_columns = segments.raw_contract_columns('interactions') -%}

with

checked_interactions as (
    select * from {{ ref('stg_interactions__checked') }}
),

quarantined as (
    select
        raw_row_id as quarantine_row_id,
        'interactions' as source_table,
        raw_interaction_id as record_key,
        quarantine_reason,
        {% for column in raw_columns -%}
            raw_{{ column }} as {{ column }},
        {% endfor -%}
        collapsed_duplicates
    from checked_interactions
    where quarantine_reason is not null
)

select * from quarantined
