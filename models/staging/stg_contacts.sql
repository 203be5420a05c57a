with

checked_contacts as (
    select * from {{ ref('stg_contacts__checked') }}
),

valid_contacts as (
    -- the columns _staging__models.yml declares
    select {{ segments.declared_columns() }}
    from checked_contacts
    where quarantine_reason is null
)

select * from valid_contacts
