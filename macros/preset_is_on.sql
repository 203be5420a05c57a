{#- Whether the source preset `preset` is switched on (var segments_presets): the `enabled` config
    of its models. -#}
{% macro preset_is_on(preset) -%}
    {{ return(preset in segments.presets_listed()) }}
{%- endmacro %}
