{#- What staging reads as the raw table `table_name`: the union of the source presets that fill it
    (stg_presets__<table>), else source('raw', table_name) (in a unit test, its fixture). -#}
{% macro raw_input(table_name) -%}
    {%- if segments.presets_filling(table_name) -%}
        {{ return(ref('stg_presets__' ~ table_name)) }}
    {%- endif -%}
    {{ return(source('raw', table_name)) }}
{%- endmacro %}
