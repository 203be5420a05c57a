{#- The label columns of contact_segments that audiences, KPIs, transitions, movement and exports
    select on: var segments_segment_dimensions, declared once in dbt_project.yml (the CLI reads the
    same list). -#}
{% macro segment_dimensions() -%}
    {{ return(var('segments_segment_dimensions')) }}
{%- endmacro %}
