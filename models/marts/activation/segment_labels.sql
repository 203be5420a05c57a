{#- Every label a segment dimension can take, from the seeds and vars that define them, plus the
    explicit labels for contacts outside a segmentation (non_customer, unknown, none, unclassified). -#}
with

lifecycle_stages as (
    select * from {{ ref('lifecycle_stages') }}
),

rfm_segments as (
    select * from {{ ref('rfm_segments') }}
),

abell_axis_labels as (
    select * from {{ ref('int_abell_axis_labels') }}
),

loyalty_segments as (
    select * from {{ ref('loyalty_segments') }}
),

labels as (
    select
        'lifecycle_stage' as segment_dimension,
        lifecycle_stage as label
    from lifecycle_stages
    union all
    select
        'rfm_segment' as segment_dimension,
        rfm_segment as label
    from rfm_segments
    union all
    select
        'rfm_segment' as segment_dimension,
        'non_customer' as label
    {% for tier in var('segments_abc_labels') + ['non_customer'] %}
        union all
        select
            'abc_tier' as segment_dimension,
            '{{ tier }}' as label
    {% endfor %}
    union all
    select
        case abell_axis
            when 'need' then 'primary_need'
            when 'technology' then 'primary_technology'
            else abell_axis
        end as segment_dimension,
        label
    from abell_axis_labels
    union all
    select
        'primary_need' as segment_dimension,
        'unknown' as label
    union all
    select
        'primary_technology' as segment_dimension,
        'none' as label
    {% for band in var('segments_churn_risk_labels') + ['non_customer'] %}
        union all
        select
            'churn_risk' as segment_dimension,
            '{{ band }}' as label
    {% endfor %}
    {% for band in var('segments_clv_band_labels') + ['non_customer'] %}
        union all
        select
            'predicted_clv_band' as segment_dimension,
            '{{ band }}' as label
    {% endfor %}
    {% for tier in var('segments_lead_tier_labels') + ['customer', 'not_scored'] %}
        union all
        select
            'lead_tier' as segment_dimension,
            '{{ tier }}' as label
    {% endfor %}
    union all
    select
        'loyalty_segment' as segment_dimension,
        loyalty_segment as label
    from loyalty_segments
)

select * from labels
