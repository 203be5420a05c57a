{#- The rows of `relation` with `allocated_amount`: each group's `amount` (the same on every row of
    the group, `partition_by`) shared among its rows pro rata of `weight` (> 0), to the cent, the
    rounding remainder on the row of the largest weight (ties: the first by `order_by`), so the
    shares add up to the amount exactly. Bit-identical on every engine: the share in cents is
    floor(cents x ratio + 0.5) in doubles (segments.ratio; IEEE operations and floor agree
    everywhere, where round() of a double does not: 1.005 is 1.00 on DuckDB and 1.01 on PostgreSQL),
    then exact decimals. -#}
{% macro allocate_pro_rata(relation, amount, weight, partition_by, order_by) -%}
    select
        shares.*,
        cast(
            shares.pro_rata_share
            + case
                when shares.allocation_rank = 1
                    then shares.{{ amount }} - sum(shares.pro_rata_share) over (partition by {{ partition_by }})
                else 0
            end
            as decimal(28, 2)
        ) as allocated_amount
    from (
        select
            allocated.*,
            cast(
                cast(
                    floor(
                        cast(allocated.{{ amount }} * 100 as {{ segments.type_double() }})
                        * {{ segments.ratio(weight, 'sum(' ~ weight ~ ') over (partition by ' ~ partition_by ~ ')') }}
                        + 0.5
                    ) as decimal(28, 2)
                ) * 0.01
                as decimal(28, 2)
            ) as pro_rata_share,
            row_number() over (partition by {{ partition_by }} order by {{ weight }} desc, {{ order_by }}) as allocation_rank
        from {{ relation }} as allocated
    ) as shares
{%- endmacro %}
