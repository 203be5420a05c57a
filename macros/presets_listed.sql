{#- The source presets switched on: the var segments_presets, a list or a comma-separated text
    ("shopify,klaviyo", as sqlfluff's context passes it: .sqlfluff-presets), as a list of names; an unknown name stops the
    run with the names there are (var segments_preset_tables). -#}
{% macro presets_listed() -%}
    {%- set listed = var('segments_presets') or [] -%}
    {%- if listed is string -%}
        {%- set listed = listed.split(',') | map('trim') | reject('equalto', '') | list -%}
    {%- endif -%}
    {%- set known = var('segments_preset_tables') -%}
    {%- for preset in listed if preset not in known -%}
        {{ exceptions.raise_compiler_error(
            "var segments_presets: unknown preset '" ~ preset ~ "' (known: " ~ known.keys() | sort | join(', ') ~ ")") }}
    {%- endfor -%}
    {{ return(listed) }}
{%- endmacro %}
