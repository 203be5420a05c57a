{#- One row per currency of the seed currencies: whether it has a rate (undated in fx_rates, dated
    in fx_rates_by_date, from when), and how many order lines were refused for want of one
    (missing_fx_rate): a currency is converted, or its lines are refused and named here. -#}
with

currencies as (
    select * from {{ ref('currencies') }}
),

fx_rates as (
    select * from {{ ref('fx_rates') }}
),

dated_fx_rates as (
    select * from {{ ref('fx_rates_by_date') }}
),

quarantine_order_lines as (
    select * from {{ ref('quarantine_order_lines') }}
),

dated_coverage as (
    select
        currency_code,
        count(*) as dated_rates,
        min(rate_date) as first_rate_date,
        max(rate_date) as last_rate_date
    from dated_fx_rates
    group by currency_code
),

refused_lines as (
    select
        upper(trim(currency)) as currency_code,
        count(*) as refused_order_lines
    from quarantine_order_lines
    where quarantine_reason = 'missing_fx_rate'
    group by upper(trim(currency))
),

coverage as (
    select
        currencies.currency_code,
        currencies.currency_name,
        fx_rates.currency_code is not null as has_undated_rate,
        coalesce(dated_coverage.dated_rates, 0) as dated_rates,
        dated_coverage.first_rate_date,
        dated_coverage.last_rate_date,
        coalesce(refused_lines.refused_order_lines, 0) as refused_order_lines
    from currencies
    left join fx_rates
        on currencies.currency_code = fx_rates.currency_code
    left join dated_coverage
        on currencies.currency_code = dated_coverage.currency_code
    left join refused_lines
        on currencies.currency_code = refused_lines.currency_code
)

select * from coverage
