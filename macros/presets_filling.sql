{#- The source presets switched on (presets_listed) that fill the raw table `table_name` (var
    segments_preset_tables), in the order they are listed. -#}
{% macro presets_filling(table_name) -%}
    {%- set known = var('segments_preset_tables') -%}
    {%- set filling = [] -%}
    {%- for preset in segments.presets_listed() if table_name in known[preset] -%}
        {%- do filling.append(preset) -%}
    {%- endfor -%}
    {{ return(filling) }}
{%- endmacro %}
