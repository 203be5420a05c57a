{#- The join condition of an interaction and a need-signal rule (seed abell_needs): every
    condition of the rule that is set must hold (topic, interaction type, campaign pattern). -#}
{% macro need_signal_matches(interactions, need_signals) -%}
    ({{ need_signals }}.topic is null or {{ interactions }}.topic = lower({{ need_signals }}.topic))
    and (
        {{ need_signals }}.interaction_type is null
        or {{ interactions }}.interaction_type = {{ need_signals }}.interaction_type
    )
    and (
        {{ need_signals }}.campaign_pattern is null
        or lower({{ interactions }}.campaign_id) like lower({{ need_signals }}.campaign_pattern)
    )
{%- endmacro %}
