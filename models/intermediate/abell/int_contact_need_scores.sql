{%- set window_days = var('segments_abell_need_window_days') -%}
{%- set days_ago = segments.days_between('cast(occurred_at as date)', segments.as_of_date()) -%}
{%- set in_window = 'true' if window_days is none else days_ago ~ ' <= ' ~ window_days -%}

with

interactions as (
    select * from {{ ref('int_interactions') }}
),

need_signals as (
    select * from {{ ref('abell_needs') }}
),

signal_weights as (
    select * from {{ ref('abell_signal_weights') }}
),

interactions_in_window as (
    -- Signals of the look-back window (var segments_abell_need_window_days).
    select
        interaction_id,
        contact_id,
        interaction_type,
        topic,
        campaign_id,
        occurred_at
    from interactions
    where {{ in_window }}  -- noqa: LT05
),

interaction_needs as (
    -- An interaction signals a need once, however many of the need's signal rules it matches.
    select distinct
        interactions_in_window.interaction_id,
        interactions_in_window.contact_id,
        interactions_in_window.interaction_type,
        interactions_in_window.occurred_at,
        need_signals.need
    from interactions_in_window
    inner join need_signals
        on {{ segments.need_signal_matches('interactions_in_window', 'need_signals') }}
),

weighted as (
    select
        interaction_needs.contact_id,
        interaction_needs.need,
        interaction_needs.occurred_at,
        coalesce(signal_weights.weight, 0) as weight
    from interaction_needs
    left join signal_weights
        on interaction_needs.interaction_type = signal_weights.interaction_type
),

need_scores as (
    select
        contact_id,
        need,
        sum(weight) as need_signal_score,
        count(*) as need_signals,
        max(occurred_at) as last_signal_at
    from weighted
    group by contact_id, need
)

select * from need_scores
where need_signal_score > 0
