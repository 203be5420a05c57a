{#- The public interface: one row per contact, every segment label side by side. Its columns and
    types are a contract (see _contact_segments__models.yml); a breaking change goes to a new version. -#}
{#- The columns segment_hash covers: the dimensions and rfm_cell, in the order the hash has
    always used (rfm_cell after rfm_segment), so an upgrade does not change every contact's hash. -#}
{%- set dimensions = segments.segment_dimensions() -%}
{%- set segment_columns = dimensions[:2] + ['rfm_cell'] + dimensions[2:] -%}

with

contacts as (
    select * from {{ ref('dim_contacts') }}
),

contact_lifecycle as (
    select * from {{ ref('contact_lifecycle') }}
),

contact_rfm as (
    select * from {{ ref('contact_rfm') }}
),

contact_abc as (
    select * from {{ ref('contact_abc') }}
),

contact_abell as (
    select * from {{ ref('contact_abell') }}
),

contact_predictions as (
    select * from {{ ref('contact_predictions') }}
),

contact_engagement as (
    select * from {{ ref('contact_engagement') }}
),

contact_lead_scores as (
    select * from {{ ref('contact_lead_scores') }}
),

joined as (
    select
        -- keys and reachability
        contacts.contact_id,
        contacts.email,
        contacts.first_name,
        contacts.last_name,
        contacts.email_opt_in,
        contacts.is_unsubscribed,
        contacts.is_email_reachable,

        -- segments; contacts without a completed order get the explicit label non_customer
        contact_lifecycle.lifecycle_stage,
        coalesce(contact_rfm.rfm_segment, 'non_customer') as rfm_segment,
        contact_rfm.r_score,
        contact_rfm.f_score,
        contact_rfm.m_score,
        coalesce(contact_rfm.rfm_cell, 'non_customer') as rfm_cell,
        coalesce(contact_abc.abc_tier, 'non_customer') as abc_tier,
        contact_abell.client_group,
        contact_abell.primary_need,
        coalesce(contact_abell.primary_technology, 'none') as primary_technology,
        coalesce(contact_predictions.churn_risk, 'non_customer') as churn_risk,
        contact_engagement.loyalty_segment,
        -- prospects by their lead score; customer once a completed order exists; not_scored for a
        -- contact known only by an interaction or order before its created_at
        case
            when contact_rfm.contact_id is not null then 'customer'
            else coalesce(contact_lead_scores.lead_tier, 'not_scored')
        end as lead_tier,
        case
            when contact_predictions.predicted_clv is null then 'non_customer'
            else {{ segments.band_label(
                'cast(contact_predictions.predicted_clv as decimal(28, 2))',
                var('segments_clv_band_cutoffs'), var('segments_clv_band_labels')) }}
        end as predicted_clv_band,

        -- value
        coalesce(contact_rfm.frequency, 0) as frequency,
        cast(coalesce(contact_rfm.monetary, 0) as decimal(28, 2)) as monetary,
        contact_rfm.last_order_date,
        cast(contact_predictions.predicted_clv as decimal(28, 2)) as predicted_clv,

        {{ segments.as_of_date() }} as as_of_date
    from contacts
    inner join contact_lifecycle
        on contacts.contact_id = contact_lifecycle.contact_id
    inner join contact_abell
        on contacts.contact_id = contact_abell.contact_id
    inner join contact_engagement
        on contacts.contact_id = contact_engagement.contact_id
    left join contact_rfm
        on contacts.contact_id = contact_rfm.contact_id
    left join contact_abc
        on contacts.contact_id = contact_abc.contact_id
    left join contact_predictions
        on contacts.contact_id = contact_predictions.contact_id
    left join contact_lead_scores
        on contacts.contact_id = contact_lead_scores.contact_id
),

hashed as (
    select
        contact_id,
        email,
        first_name,
        last_name,
        email_opt_in,
        is_unsubscribed,
        is_email_reachable,
        lifecycle_stage,
        rfm_segment,
        cast(r_score as integer) as r_score,
        cast(f_score as integer) as f_score,
        cast(m_score as integer) as m_score,
        rfm_cell,
        abc_tier,
        client_group,
        primary_need,
        primary_technology,
        churn_risk,
        loyalty_segment,
        lead_tier,
        predicted_clv_band,
        cast(frequency as bigint) as frequency,
        monetary,
        last_order_date,
        predicted_clv,
        as_of_date,
        {{ segments.row_fingerprint(segment_columns) }} as segment_hash
    from joined
)

select * from hashed
