{#- The lead model's interaction counts: one per interaction type (var
    segments_lead_interaction_types) and window in days (var segments_lead_feature_windows), as
    dicts {interaction_type, days, column}, the column named <type>_<days>d. One list for the model
    that counts (int_lead_interaction_counts), the one that joins (int_lead_features) and the
    feature list (lead_features). -#}
{% macro lead_interaction_counts() -%}
    {%- set counts = [] -%}
    {%- for interaction_type in var('segments_lead_interaction_types') -%}
        {%- for days in var('segments_lead_feature_windows') -%}
            {%- do counts.append({
                'interaction_type': interaction_type,
                'days': days,
                'column': interaction_type ~ '_' ~ days ~ 'd',
            }) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(counts) }}
{%- endmacro %}
