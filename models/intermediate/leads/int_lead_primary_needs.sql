{#- Per cut-off and prospect: the primary need before the cut-off, the need (seed abell_needs)
    signalled by the most interactions (an interaction counted once per need), then the most
    recent, then by name. -#}

with

lead_interactions as (
    select * from {{ ref('int_lead_interactions') }}
),

need_signals as (
    select * from {{ ref('abell_needs') }}
),

need_counts as (
    select
        lead_interactions.cutoff_role,
        lead_interactions.contact_id,
        need_signals.need,
        count(distinct lead_interactions.interaction_id) as need_signals,
        min(lead_interactions.days_before_cutoff) as days_since_last_signal
    from lead_interactions
    inner join need_signals
        on {{ segments.need_signal_matches('lead_interactions', 'need_signals') }}
    group by lead_interactions.cutoff_role, lead_interactions.contact_id, need_signals.need
),

ranked_needs as (
    select
        cutoff_role,
        contact_id,
        need,
        row_number() over (
            partition by cutoff_role, contact_id
            order by need_signals desc, days_since_last_signal asc, need asc
        ) as need_rank
    from need_counts
),

primary_needs as (
    select
        cutoff_role,
        contact_id,
        need as primary_need
    from ranked_needs
    where need_rank = 1
)

select * from primary_needs
