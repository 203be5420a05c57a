{#- The source presets switched on (var segments_presets) that fill the raw table `table_name`
    (var segments_preset_tables), in the order they are listed; an unknown preset name stops the
    run with the names there are. -#}
{% macro presets_filling(table_name) -%}
    {%- set known = var('segments_preset_tables') -%}
    {%- set filling = [] -%}
    {%- for preset in var('segments_presets') or [] -%}
        {%- if preset not in known -%}
            {{ exceptions.raise_compiler_error(
                "var segments_presets: unknown preset '" ~ preset ~ "' (known: " ~ known.keys() | sort | join(', ') ~ ")") }}
        {%- endif -%}
        {%- if table_name in known[preset] -%}{%- do filling.append(preset) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(filling) }}
{%- endmacro %}
