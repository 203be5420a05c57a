{% macro collapse_exact_duplicates(relation, columns) -%}
    {{ return(adapter.dispatch('collapse_exact_duplicates', 'segments')(relation, columns)) }}
{%- endmacro %}

{#- A select that collapses rows identical in every given column into one, counting the extra copies
    in `collapsed_duplicates`, so raw rows = distinct rows + collapsed duplicates. -#}
{% macro default__collapse_exact_duplicates(relation, columns) -%}
    select
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        count(*) - 1 as collapsed_duplicates
    from {{ relation }}
    group by
        {%- for column in columns %}
        {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
{%- endmacro %}
