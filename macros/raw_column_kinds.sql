{#- The columns the raw table really has, each mapped to its kind (see raw_column_kind): a dict
    {lower-case name: kind}, read at compile time from the warehouse. Empty while dbt only parses
    (no `execute`) and when the relation does not exist yet: every column is then read as text.
    With var segments_raw_columns_as_text (the staging unit tests, whose fixtures are text): the
    contract's columns and the load stamp, as text, without asking the warehouse. -#}
{% macro raw_column_kinds(table_name) -%}
    {%- set kinds = {} -%}
    {%- if var('segments_raw_columns_as_text') -%}
        {#- the contract's columns and the load stamp, all text, whatever the warehouse holds -#}
        {%- for column in segments.raw_contract_columns(table_name) + [var('segments_raw_loaded_at_column') or ''] -%}
            {%- if column -%}{%- do kinds.update({column | lower: 'text'}) -%}{%- endif -%}
        {%- endfor -%}
        {{ return(kinds) }}
    {%- endif -%}
    {%- set relation = segments.raw_relation(table_name) if execute else none -%}
    {%- if relation is not none and load_relation(relation) is not none -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- do kinds.update({column.name | lower: segments.raw_column_kind(column.data_type)}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(kinds) }}
{%- endmacro %}
