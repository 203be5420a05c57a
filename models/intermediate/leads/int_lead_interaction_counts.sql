{#- Per cut-off and prospect with interactions: the interaction counts the lead model reads (var
    segments_lead_interaction_types x segments_lead_feature_windows), the engagement events of the
    engagement score's window and the days since the last engagement event. -#}
{%- set engagement_type_list = "'" ~ var('segments_lifecycle_engagement_types') | join("', '") ~ "'" -%}

with

lead_interactions as (
    select * from {{ ref('int_lead_interactions') }}
),

interaction_counts as (
    select
        cutoff_role,
        contact_id,
        {% for count in segments.lead_interaction_counts() -%}
            sum(case when interaction_type = '{{ count.interaction_type }}' and days_before_cutoff < {{ count.days }} then 1 else 0 end) as {{ count.column }},  -- noqa: LT05
        {% endfor -%}
        sum(
            case
                when
                    interaction_type in ({{ engagement_type_list }})
                    and days_before_cutoff < {{ var('segments_engagement_score_window_days') }}
                    then 1
                else 0
            end
        ) as engagement_events,
        min(case when interaction_type in ({{ engagement_type_list }}) then days_before_cutoff end) as days_since_last_engagement  -- noqa: LT05
    from lead_interactions
    group by cutoff_role, contact_id
)

select * from interaction_counts
