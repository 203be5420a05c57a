with

checked_interactions as (
    select * from {{ ref('stg_interactions__checked') }}
),

valid_interactions as (
    -- the columns _staging__models.yml declares
    select {{ segments.declared_columns() }}
    from checked_interactions
    where quarantine_reason is null
)

select * from valid_interactions
