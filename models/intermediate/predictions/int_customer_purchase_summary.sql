{#- The inputs of the BG/NBD and Gamma-Gamma models, per customer and cut-off date: the scoring
    cut-off (as_of_date) and the calibration cut-off (segments_prediction_holdout_days earlier), whose
    customers are scored on what they did before it and compared with what they bought after. -#}
{%- set holdout_days = var('segments_prediction_holdout_days') -%}

with

orders as (
    select * from {{ ref('int_orders') }}
),

purchase_days as (
    -- One purchase per day: several orders on one date count once, with their revenue summed.
    select
        contact_id,
        order_date,
        sum(revenue_amount) as day_revenue
    from orders
    where is_completed
    group by contact_id, order_date
),

cutoffs as (
    select
        'scoring' as fit_purpose,
        {{ segments.as_of_date() }} as cutoff_date
    union all
    select
        'calibration' as fit_purpose,
        cast({{ dbt.dateadd('day', -holdout_days, segments.as_of_date()) }} as date) as cutoff_date
),

purchases_before_cutoff as (
    select
        cutoffs.fit_purpose,
        cutoffs.cutoff_date,
        purchase_days.contact_id,
        purchase_days.order_date,
        purchase_days.day_revenue
    from purchase_days
    inner join cutoffs
        on purchase_days.order_date <= cutoffs.cutoff_date
),

first_purchases as (
    select
        fit_purpose,
        contact_id,
        min(order_date) as first_order_date
    from purchases_before_cutoff
    group by fit_purpose, contact_id
),

purchase_facts as (
    select
        purchases_before_cutoff.fit_purpose,
        purchases_before_cutoff.contact_id,
        max(purchases_before_cutoff.cutoff_date) as cutoff_date,
        max(first_purchases.first_order_date) as first_order_date,
        max(purchases_before_cutoff.order_date) as last_order_date,
        count(*) - 1 as repeat_purchases,
        sum(purchases_before_cutoff.day_revenue) as revenue,
        sum(
            case
                when purchases_before_cutoff.order_date > first_purchases.first_order_date
                    then purchases_before_cutoff.day_revenue
                else 0
            end
        ) as repeat_revenue
    from purchases_before_cutoff
    inner join first_purchases
        on
            purchases_before_cutoff.fit_purpose = first_purchases.fit_purpose
            and purchases_before_cutoff.contact_id = first_purchases.contact_id
    group by purchases_before_cutoff.fit_purpose, purchases_before_cutoff.contact_id
),

holdout_purchases as (
    -- What calibration customers actually bought after their cut-off, up to as_of_date.
    select
        purchase_facts.contact_id,
        count(*) as holdout_purchases
    from purchase_facts
    inner join purchase_days
        on
            purchase_facts.contact_id = purchase_days.contact_id
            and purchase_facts.cutoff_date < purchase_days.order_date
    where purchase_facts.fit_purpose = 'calibration'
    group by purchase_facts.contact_id
),

summary as (
    select
        purchase_facts.fit_purpose,
        purchase_facts.contact_id,
        purchase_facts.cutoff_date,
        purchase_facts.first_order_date,
        purchase_facts.last_order_date,
        purchase_facts.repeat_purchases,
        {{ segments.days_between('purchase_facts.first_order_date', 'purchase_facts.last_order_date') }} as days_first_to_last,  -- noqa: LT05
        {{ segments.days_between('purchase_facts.first_order_date', 'purchase_facts.cutoff_date') }} as days_first_to_cutoff,  -- noqa: LT05
        purchase_facts.repeat_revenue,
        case
            when purchase_facts.repeat_purchases > 0
                then {{ segments.ratio('purchase_facts.repeat_revenue', 'purchase_facts.repeat_purchases') }}
        end as repeat_order_value,
        -- every purchase day counted, the first included: the Gamma-Gamma fallback when q <= 1
        {{ segments.ratio('purchase_facts.revenue', 'purchase_facts.repeat_purchases + 1') }} as observed_order_value,
        case
            when purchase_facts.fit_purpose = 'calibration'
                then coalesce(holdout_purchases.holdout_purchases, 0)
        end as holdout_purchases
    from purchase_facts
    left join holdout_purchases
        on
            purchase_facts.contact_id = holdout_purchases.contact_id
            and purchase_facts.fit_purpose = 'calibration'
)

select * from summary
