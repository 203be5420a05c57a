{#- A select that collapses rows identical in every given column into one, counting the extra copies
    in `collapsed_duplicates`, so raw rows = distinct rows + collapsed duplicates. Each of
    latest_columns (not compared: a load stamp, say) keeps its greatest value among the copies. -#}
{% macro collapse_exact_duplicates(relation, columns, latest_columns=[]) -%}
    select
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        {%- for column in latest_columns %}
        max({{ column }}) as {{ column }},
        {%- endfor %}
        count(*) - 1 as collapsed_duplicates
    from {{ relation }}
    group by
        {%- for column in columns %}
        {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
{%- endmacro %}
