{#- The column names of a built relation, in its order and lower case, without those of
    `excluded`: a select list that follows the relation when it gains a column. Empty while dbt
    parses (nothing is built yet then). -#}
{% macro columns_except(relation, excluded) -%}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set names = [] -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
        {%- if column.name | lower not in excluded -%}
            {%- do names.append(column.name | lower) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(names) }}
{%- endmacro %}
