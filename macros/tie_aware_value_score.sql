{#- tie_aware_score computed on one row per distinct value: `rows_column` counts the rows holding
    each value of `column`. SQL rank() - 1 is the number of rows with a strictly lower value (in the
    direction where better is higher), so it is the running sum of the rows before this value, and
    n is their total: the same score as tie_aware_score gives every row holding the value. Join it
    back on the value: the window then sorts a handful of rows, not every row of a large partition
    (DuckDB cannot spill a window over 7.7M rows in three partitions within 2 GB; this needs 1). -#}
{% macro tie_aware_value_score(column, rows_column, bins=none, direction='asc', partition_by=none) -%}
    {%- set window_partition = 'partition by ' ~ partition_by if partition_by else '' -%}
    {{ segments.tie_aware_bin(
        'sum(' ~ rows_column ~ ') over (' ~ window_partition ~ ' order by ' ~ column ~ ' ' ~ direction
            ~ ' nulls first rows between unbounded preceding and current row) - ' ~ rows_column,
        'sum(' ~ rows_column ~ ') over (' ~ window_partition ~ ')',
        bins, direction, 'tie_aware_value_score') }}
{%- endmacro %}
