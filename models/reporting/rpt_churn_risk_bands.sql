{#- Per churn-risk band of contact_predictions: its customers and their share, the mean
    probability of no purchase in the horizon and the band's share of the predicted CLV. -#}
with

contact_predictions as (
    select * from {{ ref('contact_predictions') }}
),

bands as (
    select
        churn_risk,
        count(*) as customers,
        {{ segments.ratio(segments.exact_sum('p_no_purchase', 9), 'count(*)') }} as avg_p_no_purchase,
        {{ segments.exact_sum('predicted_clv', 6) }} as predicted_clv_amount
    from contact_predictions
    group by churn_risk
),

shared as (
    select
        churn_risk,
        customers,
        {{ segments.ratio('customers', 'sum(customers) over ()') }} as customer_share,
        avg_p_no_purchase,
        {{ segments.ratio('predicted_clv_amount', 'sum(predicted_clv_amount) over ()') }} as predicted_clv_share
    from bands
)

select * from shared
