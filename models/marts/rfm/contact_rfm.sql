{%- set method = var('segments_rfm_scoring_method') -%}
{%- if method not in ['quantile', 'thresholds'] -%}
    {{ exceptions.raise_compiler_error("var segments_rfm_scoring_method must be 'quantile' or 'thresholds', got '" ~ method ~ "'") }}
{%- endif -%}

with

contact_order_facts as (
    select * from {{ ref('int_contact_order_facts') }}
),

rfm_segments as (
    select * from {{ ref('rfm_segments') }}
),

{% if method == 'thresholds' -%}
rfm_score_thresholds as (
    select * from {{ ref('rfm_score_thresholds') }}
),
{%- endif %}

customers as (
    select
        contact_id,
        last_order_date,
        recency_days,
        frequency,
        monetary
    from contact_order_facts
    where is_customer
),

scored as (
    select
        customers.*,
        {% if method == 'quantile' -%}
            {{ segments.tie_aware_score('recency_days', direction='desc') }} as r_score,
            {{ segments.tie_aware_score('frequency', direction='asc') }} as f_score,
            {{ segments.tie_aware_score('monetary', direction='asc') }} as m_score
        {%- else -%}
            recency_cut.score as r_score,
            frequency_cut.score as f_score,
            monetary_cut.score as m_score
        {%- endif %}
    from customers
    {%- if method == 'thresholds' %}
    {%- for dimension, metric in [('recency', 'recency_days'), ('frequency', 'frequency'), ('monetary', 'monetary')] %}
    left join rfm_score_thresholds as {{ dimension }}_cut
        on
            {{ dimension }}_cut.rfm_dimension = '{{ dimension }}'
            and ({{ dimension }}_cut.min_value is null or customers.{{ metric }} >= {{ dimension }}_cut.min_value)
            and ({{ dimension }}_cut.max_value is null or customers.{{ metric }} < {{ dimension }}_cut.max_value)
    {%- endfor %}
    {%- endif %}
),

segmented as (
    select
        scored.contact_id,
        scored.last_order_date,
        scored.recency_days,
        scored.frequency,
        scored.monetary,
        scored.r_score,
        scored.f_score,
        scored.m_score,
        {{ dbt.concat([
            segments.try_cast('scored.r_score', dbt.type_string()),
            segments.try_cast('scored.f_score', dbt.type_string()),
            segments.try_cast('scored.m_score', dbt.type_string()),
        ]) }} as rfm_cell,
        rfm_segments.rfm_segment,
        rfm_segments.description as rfm_segment_description,
        rfm_segments.recommended_action as rfm_recommended_action,
        {{ segments.as_of_date() }} as as_of_date
    from scored
    left join rfm_segments
        on
            scored.r_score between rfm_segments.r_score_min and rfm_segments.r_score_max
            and scored.f_score between rfm_segments.f_score_min and rfm_segments.f_score_max
            and scored.m_score between rfm_segments.m_score_min and rfm_segments.m_score_max
)

select * from segmented
