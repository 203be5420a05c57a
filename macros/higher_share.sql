{#- The share of the total measure held by rows with a strictly greater measure (0 for the top tie
    group). The window's default range frame includes ties, so the tie group's own sum is removed. -#}
{% macro higher_share(measure, partition_by=none) -%}
    {%- set window_partition = 'partition by ' ~ partition_by if partition_by else '' -%}
    {%- set tie_partition = 'partition by ' ~ (partition_by ~ ', ' if partition_by else '') ~ measure -%}
    coalesce(
        {{ segments.ratio(
            'sum(' ~ measure ~ ') over (' ~ window_partition ~ ' order by ' ~ measure ~ ' desc)'
            ~ ' - sum(' ~ measure ~ ') over (' ~ tie_partition ~ ')',
            'sum(' ~ measure ~ ') over (' ~ window_partition ~ ')'
        ) }},
        0
    )
{%- endmacro %}
