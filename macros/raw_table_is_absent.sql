{#- True when `table_name` is an optional raw table (var segments_raw_optional_tables) that no
    preset fills and the warehouse does not have: staging then reads it as empty. False while dbt
    only parses, and in unit tests (their fixture stands for the table). -#}
{% macro raw_table_is_absent(table_name) -%}
    {%- if not execute or table_name not in var('segments_raw_optional_tables', [])
        or segments.presets_filling(table_name) or segments.raw_input(table_name).type == 'cte' -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return(load_relation(segments.raw_relation(table_name)) is none) }}
{%- endmacro %}
