{% macro segment_dimensions() -%}
    {{ return(adapter.dispatch('segment_dimensions', 'segments')()) }}
{%- endmacro %}

{#- The label columns of contact_segments that audiences, KPIs and exports can select on. -#}
{% macro default__segment_dimensions() -%}
    {{ return(['lifecycle_stage', 'rfm_segment', 'abc_tier', 'client_group', 'primary_need', 'primary_technology', 'churn_risk', 'loyalty_segment']) }}
{%- endmacro %}
