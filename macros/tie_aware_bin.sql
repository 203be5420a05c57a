{#- The arithmetic tie_aware_score and tie_aware_value_score share: the score in 1..bins of a value
    that `rows_below` of `rows` rows are strictly worse than, 1 + floor(bins * rows_below / rows).
    `bins` defaults to var segments_rfm_bins; `direction` ('asc' or 'desc') is checked here for
    both, and `macro_name` names the calling macro in the error. -#}
{% macro tie_aware_bin(rows_below, rows, bins, direction, macro_name) -%}
    {%- if direction | lower not in ['asc', 'desc'] -%}
        {{ exceptions.raise_compiler_error(macro_name ~ ": direction must be 'asc' or 'desc', got '" ~ direction ~ "'") }}
    {%- endif -%}
    cast(1 + floor(
        cast({{ bins if bins is not none else var('segments_rfm_bins') }} * ({{ rows_below }})
            as {{ dbt.type_numeric() }})
        / {{ rows }}
    ) as {{ dbt.type_int() }})
{%- endmacro %}
