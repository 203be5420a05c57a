with

order_lines as (
    select * from {{ ref('int_order_lines') }}
),

final as (
    -- the columns _core__models.yml declares: the order's discount stays in int_orders
    select {{ segments.declared_columns() }}
    from order_lines
)

select * from final
