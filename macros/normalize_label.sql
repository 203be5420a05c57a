{#- The spelling key of a label: lower case, trimmed, with hyphens and spaces turned into
    underscores ('Page View', 'page-view ' -> 'page_view'). The seed label_aliases then maps the key
    to its canonical label. -#}
{% macro normalize_label(column) -%}
    nullif(replace(replace(lower(trim({{ column }})), '-', '_'), ' ', '_'), '')
{%- endmacro %}
