{#- The features of the lead model, by kind: the columns of int_lead_features that int_lead_fits
    fits on and contact_lead_scores scores with (one list, so they cannot drift apart). Numeric:
    days since created, days since the last engagement event, the engagement score, and a count
    per interaction type (var segments_lead_interaction_types) and window (var
    segments_lead_feature_windows), named <type>_<days>d. Categorical: one weight per level. -#}
{% macro lead_features() -%}
    {%- set counts = segments.lead_interaction_counts() | map(attribute='column') | list -%}
    {{ return({
        'numeric': ['days_since_created', 'days_since_last_engagement', 'engagement_score'] + counts,
        'categorical': ['client_group', 'preferred_channel', 'primary_need'],
    }) }}
{%- endmacro %}
