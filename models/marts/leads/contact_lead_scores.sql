{#- One row per prospect on as_of_date (a contact created, without a completed order): its
    probability of placing a first completed order within segments_lead_conversion_days, from the
    lead model (int_lead_coefficients, fit purpose scoring), its lead tier, and the signals that
    drive it. -#}
{%- set cutoffs = var('segments_lead_tier_cutoffs') -%}

with

features as (
    select * from {{ ref('int_lead_features') }}
    where cutoff_role = 'scoring'
),

coefficients as (
    select * from {{ ref('int_lead_coefficients') }}
    where fit_purpose = 'scoring'
),

scored as (
    {{ segments.lead_probability_query('features', 'coefficients') }}
),

tiered as (
    select
        -- keys
        contact_id,

        -- score and segment
        lead_probability,
        {{ segments.band_label('lead_probability', cutoffs, var('segments_lead_tier_labels')) }} as lead_tier,
        {{ segments.tie_aware_score('lead_probability', bins=10) }} as lead_score_decile,

        -- the signals a sales team reads
        client_group,
        primary_need,
        preferred_channel,
        days_since_created,
        days_since_last_engagement,
        engagement_score,

        cutoff_date as as_of_date
    from scored
)

select * from tiered
