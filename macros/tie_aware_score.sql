{#- A score in 1..bins: 1 + floor(bins * (rank - 1) / n), where rank is SQL rank() (ties share the
    lowest rank) in the direction where better is higher, and n the rows in the partition. Equal
    values always share a score, the result never depends on row order, and a strictly better value
    never gets a lower score. Unlike ntile, ties are never split. `bins` defaults to var segments_rfm_bins. -#}
{% macro tie_aware_score(column, bins=none, direction='asc', partition_by=none) -%}
    {%- set window_partition = 'partition by ' ~ partition_by if partition_by else '' -%}
    {{ segments.tie_aware_bin(
        'rank() over (' ~ window_partition ~ ' order by ' ~ column ~ ' ' ~ direction ~ ' nulls first) - 1',
        'count(*) over (' ~ window_partition ~ ')',
        bins, direction, 'tie_aware_score') }}
{%- endmacro %}
