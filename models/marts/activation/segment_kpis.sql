{#- What a marketing lead checks to decide where to invest: per segment dimension and label. -#}
{%- set dimensions = segments.segment_dimensions() -%}

with

contact_segments as (
    select * from {{ ref('contact_segments') }}
),

contact_engagement_facts as (
    select * from {{ ref('int_contact_engagement_facts') }}
),

contact_order_facts as (
    select * from {{ ref('int_contact_order_facts') }}
),

contact_measures as (
    select
        contact_segments.*,
        -- a customer (doc customer) by all history up to as_of_date, whatever the RFM window
        case when contact_order_facts.is_customer then 1 else 0 end as is_customer,
        case when contact_order_facts.lifetime_frequency >= 2 then 1 else 0 end as is_repeat_customer,
        case when contact_segments.is_unsubscribed then 1 else 0 end as is_unsubscribed_flag,
        coalesce(contact_engagement_facts.emails_sent, 0) as emails_sent,
        coalesce(contact_engagement_facts.email_opens, 0) as email_opens,
        coalesce(contact_engagement_facts.email_clicks, 0) as email_clicks,
        contact_order_facts.recency_days
    from contact_segments
    left join contact_engagement_facts
        on contact_segments.contact_id = contact_engagement_facts.contact_id
    left join contact_order_facts
        on
            contact_segments.contact_id = contact_order_facts.contact_id
            and contact_order_facts.is_customer
),

labelled as (
    {% for dimension in dimensions %}
        select
            '{{ dimension }}' as segment_dimension,
            {{ dimension }} as label,
            contact_measures.*
        from contact_measures
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

aggregated as (
    select
        segment_dimension,
        label,
        count(*) as contacts,
        cast(sum(is_customer) as bigint) as customers,
        sum(monetary) as revenue_amount,
        {{ segments.exact_sum('predicted_clv', 6) }} as predicted_clv_amount,
        cast(sum(frequency) as bigint) as orders,
        cast(sum(is_repeat_customer) as bigint) as repeat_customers,
        cast(sum(is_unsubscribed_flag) as bigint) as unsubscribed_contacts,
        sum(emails_sent) as emails_sent,
        sum(email_opens) as email_opens,
        sum(email_clicks) as email_clicks,
        {{ segments.ratio('sum(recency_days)', 'count(recency_days)') }} as avg_days_since_last_order
    from labelled
    group by segment_dimension, label
),

kpis as (
    select
        segment_dimension,
        label,
        contacts,
        customers,
        cast(revenue_amount as decimal(28, 2)) as revenue_amount,
        cast(coalesce(predicted_clv_amount, 0) as decimal(28, 2)) as predicted_clv_amount,
        {{ segments.ratio('predicted_clv_amount', 'customers') }} as predicted_clv_per_customer,
        {{ segments.ratio('revenue_amount', 'sum(revenue_amount) over (partition by segment_dimension)') }}
            as revenue_share,
        {{ segments.ratio('revenue_amount', 'orders') }} as average_order_value,
        {{ segments.ratio('orders', 'customers') }} as orders_per_customer,
        {{ segments.ratio('repeat_customers', 'customers') }} as repeat_purchase_rate,
        {{ segments.ratio('email_opens', 'emails_sent') }} as opens_per_email_sent,
        {{ segments.ratio('email_clicks', 'emails_sent') }} as clicks_per_email_sent,
        {{ segments.ratio('unsubscribed_contacts', 'contacts') }} as unsubscribe_rate,
        avg_days_since_last_order,
        {{ segments.as_of_date() }} as as_of_date
    from aggregated
)

select * from kpis
