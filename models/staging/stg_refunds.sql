with

checked_refunds as (
    select * from {{ ref('stg_refunds__checked') }}
),

valid_refunds as (
    -- the columns _staging__models.yml declares
    select {{ segments.declared_columns() }}
    from checked_refunds
    where quarantine_reason is null
)

select * from valid_refunds
