{#- tie_aware_score computed on one row per distinct value: `rows_column` counts the rows holding
    each value of `column`. SQL rank() - 1 is the number of rows with a strictly lower value (in the
    direction where better is higher), so it is the running sum of the rows before this value, and
    n is their total: the same score as tie_aware_score gives every row holding the value. Join it
    back on the value: the window then sorts a handful of rows, not every row of a large partition
    (DuckDB cannot spill a window over 7.7M rows in three partitions within 2 GB; this needs 1). -#}
{% macro tie_aware_value_score(column, rows_column, bins=none, direction='asc', partition_by=none) -%}
    {%- set k = bins if bins is not none else var('segments_rfm_bins') -%}
    {%- if direction | lower not in ['asc', 'desc'] -%}
        {{ exceptions.raise_compiler_error("tie_aware_value_score: direction must be 'asc' or 'desc', got '" ~ direction ~ "'") }}
    {%- endif -%}
    {%- set window_partition = 'partition by ' ~ partition_by if partition_by else '' -%}
    cast(1 + floor(
        cast({{ k }} * (
            sum({{ rows_column }}) over (
                {{ window_partition }} order by {{ column }} {{ direction }} nulls first
                rows between unbounded preceding and current row
            ) - {{ rows_column }}
        ) as {{ dbt.type_numeric() }})
        / sum({{ rows_column }}) over ({{ window_partition }})
    ) as {{ dbt.type_int() }})
{%- endmacro %}
