with

checked_order_lines as (
    select * from {{ ref('stg_order_lines__checked') }}
),

valid_order_lines as (
    -- the columns _staging__models.yml declares
    select {{ segments.declared_columns() }}
    from checked_order_lines
    where quarantine_reason is null
)

select * from valid_order_lines
