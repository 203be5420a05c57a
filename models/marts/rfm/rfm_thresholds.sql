with

contact_rfm as (
    select * from {{ ref('contact_rfm') }}
),

scores as (
    {{ segments.score_series(column_name='score') }}
),

dimensions as (
    select 'recency' as rfm_dimension
    union all
    select 'frequency' as rfm_dimension
    union all
    select 'monetary' as rfm_dimension
),

customer_metrics as (
    select
        'recency' as rfm_dimension,
        r_score as score,
        cast(recency_days as {{ dbt.type_numeric() }}) as metric_value
    from contact_rfm
    union all
    select
        'frequency' as rfm_dimension,
        f_score as score,
        cast(frequency as {{ dbt.type_numeric() }}) as metric_value
    from contact_rfm
    union all
    select
        'monetary' as rfm_dimension,
        m_score as score,
        cast(monetary as {{ dbt.type_numeric() }}) as metric_value
    from contact_rfm
),

observed_ranges as (
    select
        rfm_dimension,
        score,
        min(metric_value) as min_value,
        max(metric_value) as max_value,
        count(*) as customers
    from customer_metrics
    group by rfm_dimension, score
),

customer_total as (
    select count(*) as customers from contact_rfm
),

every_score as (
    select
        dimensions.rfm_dimension,
        scores.score,
        observed_ranges.min_value,
        observed_ranges.max_value,
        coalesce(observed_ranges.customers, 0) as customers,
        {{ segments.ratio('coalesce(observed_ranges.customers, 0)', 'customer_total.customers') }} as customer_share
    from dimensions
    cross join scores
    cross join customer_total
    left join observed_ranges
        on
            dimensions.rfm_dimension = observed_ranges.rfm_dimension
            and scores.score = observed_ranges.score
)

select * from every_score
