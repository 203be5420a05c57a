{#- The select list of a checked model's raw columns as delivered: `<relation>.<column> as
    raw_<column>` (relation none: the bare column) for each column of the raw contract, each line ending in a comma. The final select
    keeps them for quarantined rows only (quarantined_raw_columns). -#}
{% macro raw_rows_as_delivered(relation, raw_columns) -%}
    {%- set prefix = relation ~ '.' if relation else '' -%}
    {%- for column in raw_columns %}
        {{ prefix }}{{ column }} as raw_{{ column }},
    {%- endfor %}
{%- endmacro %}
