-- The floor of benchmark issue 6: ONE hand-written DuckDB statement that computes, straight from the
-- raw tables `segments load` fills, the per-contact result of the marts contact_rfm, contact_abc,
-- contact_lifecycle and contact_abell (the Abell inputs: primary need and primary technology).
--
-- It runs on a fresh copy of the loaded warehouse, BEFORE any dbt build: the few seeds it needs are
-- read from the seed CSVs with read_csv. $${...} placeholders are filled by benchmarks/bench_params.py
-- from the vars of dbt_project.yml.
--
-- Staging rules reproduced: exact duplicate rows collapse; labels are normalised (lower case,
-- trimmed, '-' and ' ' as '_') and mapped through labels + label_aliases; an order is kept whole or
-- dropped whole when one of its lines has an unknown status, an unknown currency, no fx rate or an
-- unparseable timestamp or amount; amounts convert with fx_rates and round to the cent per line;
-- events after as_of_date are ignored. Quarantine rules that never fire on generated data without
-- injected bad rows (missing keys, conflicting duplicate keys, unknown contacts, unknown channels,
-- invalid ratings, inconsistent orders) are not reproduced: the benchmark checks that dbt
-- quarantined nothing before it compares results.
create or replace table floor_contacts as
with

label_spellings as (
    select label_domain, label as spelling, label
    from read_csv('${seeds_dir}/labels.csv', header = true, all_varchar = true)
    union all
    select label_domain, alias as spelling, label
    from read_csv('${seeds_dir}/label_aliases.csv', header = true, all_varchar = true)
),

fx_rates as (
    -- currencies listed in the seed currencies that have a rate: amount x rate = reporting currency
    select
        rates.currency_code,
        cast(reporting.units_per_eur / rates.units_per_eur as decimal(38, 12)) as fx_rate
    from read_csv('${seeds_dir}/fx_rates.csv', header = true,
                  columns = {'currency_code': 'VARCHAR', 'units_per_eur': 'DECIMAL(18, 6)'}) as rates
    cross join (
        select units_per_eur
        from read_csv('${seeds_dir}/fx_rates.csv', header = true,
                      columns = {'currency_code': 'VARCHAR', 'units_per_eur': 'DECIMAL(18, 6)'})
        where currency_code = '${segments_reporting_currency}'
    ) as reporting
    where rates.currency_code in (
        select currency_code from read_csv('${seeds_dir}/currencies.csv', header = true, all_varchar = true)
    )
),

technology_map as (
    select product_category, product_id, technology
    from read_csv('${seeds_dir}/abell_technologies.csv', header = true, all_varchar = true)
),

need_signals as (
    select need, topic, interaction_type, campaign_pattern
    from read_csv('${seeds_dir}/abell_needs.csv', header = true, all_varchar = true)
),

signal_weights as (
    select interaction_type, weight
    from read_csv('${seeds_dir}/abell_signal_weights.csv', header = true,
                  columns = {'interaction_type': 'VARCHAR', 'weight': 'INTEGER', 'rationale': 'VARCHAR'})
),

-- ---------------------------------------------------------------- contacts
contacts as (
    select distinct
        nullif(trim(contact_id), '') as contact_id,
        timezone('UTC', try_cast(created_at as timestamptz)) as created_at
    from ${segments_raw_schema}.contacts
),

-- ---------------------------------------------------------------- order lines and orders
raw_lines as (
    select distinct * from ${segments_raw_schema}.orders
),

parsed_lines as (
    select
        nullif(trim(raw_lines.order_id), '') as order_id,
        nullif(trim(raw_lines.contact_id), '') as contact_id,
        nullif(trim(raw_lines.product_id), '') as product_id,
        nullif(replace(replace(lower(trim(raw_lines.product_category)), '-', '_'), ' ', '_'), '')
            as product_category,
        statuses.label as line_status,
        fx_rates.fx_rate,
        try_cast(trim(raw_lines.quantity) as numeric(28, 6)) as quantity_number,
        try_cast(trim(raw_lines.unit_price) as numeric(28, 6)) as unit_price,
        coalesce(try_cast(trim(raw_lines.discount_amount) as numeric(28, 6)), 0) as discount_amount,
        timezone('UTC', try_cast(raw_lines.ordered_at as timestamptz)) as ordered_at
    from raw_lines
    left join label_spellings as statuses
        on
            statuses.label_domain = 'order_status'
            and statuses.spelling = nullif(replace(replace(lower(trim(raw_lines.status)), '-', '_'), ' ', '_'), '')
    left join fx_rates
        on fx_rates.currency_code = upper(nullif(trim(raw_lines.currency), ''))
),

priced_lines as (
    select
        *,
        cast(ordered_at as date) as order_date,
        line_status = 'completed' as is_completed_line,
        line_status is not null
        and fx_rate is not null
        and ordered_at is not null
        and quantity_number = floor(quantity_number)
        and unit_price >= 0
        and discount_amount >= 0
        and (quantity_number >= 0 or line_status = 'refunded') as is_valid_line,
        case
            when line_status = 'completed'
                then round((cast(quantity_number as bigint) * unit_price - discount_amount) * fx_rate, 2)
            else 0
        end as revenue_amount
    from parsed_lines
),

orders as (
    -- an order is kept whole or not at all; one placed after as_of_date does not exist yet
    select
        order_id,
        min(contact_id) as contact_id,
        min(order_date) as order_date,
        bool_or(is_completed_line) as is_completed,
        sum(revenue_amount) as revenue_amount
    from priced_lines
    group by order_id
    having bool_and(is_valid_line) and min(order_date) <= ${as_of_date}
),

-- ---------------------------------------------------------------- per-contact order facts (RFM)
order_facts as (
    select
        contact_id,
        sum(case when is_completed then 1 else 0 end) as frequency,
        sum(revenue_amount) as monetary,
        min(case when is_completed then order_date end) as first_order_date,
        max(case when is_completed then order_date end) as last_order_date
    from orders
    group by contact_id
),

order_date_gaps as (
    select
        contact_id,
        order_date,
        date_diff('day', lag(order_date) over (partition by contact_id order by order_date), order_date) as gap_days,
        row_number() over (partition by contact_id order by order_date desc) as recency_rank
    from (select distinct contact_id, order_date from orders where is_completed) as completed_dates
),

gap_facts as (
    select
        contact_id,
        max(case when recency_rank = 1 then gap_days end) as gap_before_last_order_days,
        percentile_cont(0.5) within group (order by gap_days) as own_typical_gap_days
    from order_date_gaps
    group by contact_id
),

pooled_gap as (
    -- the typical gap of a one-time buyer: the median gap pooled over every repeat customer
    select percentile_cont(0.5) within group (order by gap_days) as pooled_typical_gap_days
    from order_date_gaps
    where gap_days is not null
),

typical_gaps as (
    select
        gap_facts.contact_id,
        coalesce(gap_facts.own_typical_gap_days, pooled_gap.pooled_typical_gap_days) as typical_gap_days
    from gap_facts
    cross join pooled_gap
),

customers as (
    select
        contact_id,
        date_diff('day', last_order_date, ${as_of_date}) as recency_days,
        date_diff('day', first_order_date, ${as_of_date}) as days_since_first_order,
        frequency,
        monetary
    from order_facts
    where frequency >= 1
),

scored_customers as (
    -- tie-aware scores 1 + floor(k (rank - 1) / n) and the ABC tier by strictly-higher revenue share
    select
        *,
        cast(1 + floor(${segments_rfm_bins} * (rank() over (order by recency_days desc) - 1) / count(*) over ())
            as integer) as r_score,
        cast(1 + floor(${segments_rfm_bins} * (rank() over (order by frequency asc) - 1) / count(*) over ())
            as integer) as f_score,
        cast(1 + floor(${segments_rfm_bins} * (rank() over (order by monetary asc) - 1) / count(*) over ())
            as integer) as m_score,
        coalesce(
            (sum(monetary) over (order by monetary desc) - sum(monetary) over (partition by monetary))
            / nullif(sum(monetary) over (), 0),
            0
        ) as higher_revenue_share
    from customers
),

-- ---------------------------------------------------------------- interactions
interactions as (
    select
        nullif(trim(raw_interactions.interaction_id), '') as interaction_id,
        nullif(trim(raw_interactions.contact_id), '') as contact_id,
        types.label as interaction_type,
        lower(nullif(trim(raw_interactions.topic), '')) as topic,
        nullif(trim(raw_interactions.campaign_id), '') as campaign_id,
        timezone('UTC', try_cast(raw_interactions.occurred_at as timestamptz)) as occurred_at
    from (select distinct * from ${segments_raw_schema}.interactions) as raw_interactions
    left join label_spellings as types
        on
            types.label_domain = 'interaction_type'
            and types.spelling
            = nullif(replace(replace(lower(trim(raw_interactions.interaction_type)), '-', '_'), ' ', '_'), '')
    where
        cast(timezone('UTC', try_cast(raw_interactions.occurred_at as timestamptz)) as date) <= ${as_of_date}
        and (nullif(trim(raw_interactions.interaction_type), '') is null or types.label is not null)
),

engagement_facts as (
    select
        contact_id,
        sum(
            case
                when interaction_type in (${engagement_types})
                    and date_diff('day', cast(occurred_at as date), ${as_of_date}) <= ${engagement_window_days}
                    then 1
                else 0
            end
        ) as recent_engagement_events
    from interactions
    group by contact_id
),

need_scores as (
    -- an interaction signals a need once, weighted by its type; the best score wins, then the most
    -- recent signal, then the need's name
    select
        contact_id,
        need,
        sum(coalesce(signal_weights.weight, 0)) as need_signal_score,
        max(occurred_at) as last_signal_at
    from (
        select distinct
            interactions.interaction_id,
            interactions.contact_id,
            interactions.interaction_type,
            interactions.occurred_at,
            need_signals.need
        from interactions
        inner join need_signals
            on
                (need_signals.topic is null or interactions.topic = lower(need_signals.topic))
                and (need_signals.interaction_type is null or interactions.interaction_type = need_signals.interaction_type)
                and (need_signals.campaign_pattern is null
                     or lower(interactions.campaign_id) like lower(need_signals.campaign_pattern))
        where date_diff('day', cast(interactions.occurred_at as date), ${as_of_date}) <= ${need_window_days}
    ) as interaction_needs
    left join signal_weights
        on interaction_needs.interaction_type = signal_weights.interaction_type
    group by contact_id, need
    having sum(coalesce(signal_weights.weight, 0)) > 0
),

primary_needs as (
    select contact_id, first(need order by need_signal_score desc, last_signal_at desc, need asc) as primary_need
    from need_scores
    group by contact_id
),

-- ---------------------------------------------------------------- technologies
technology_revenue as (
    select
        completed_lines.contact_id,
        coalesce(product_rules.technology, category_rules.technology, 'other') as technology,
        sum(completed_lines.revenue_amount) as revenue_amount
    from priced_lines as completed_lines
    semi join orders
        on completed_lines.order_id = orders.order_id
    left join technology_map as product_rules
        on product_rules.product_id is not null and completed_lines.product_id = product_rules.product_id
    left join technology_map as category_rules
        on category_rules.product_id is null and completed_lines.product_category = category_rules.product_category
    where completed_lines.is_completed_line
    group by 1, 2
),

primary_technologies as (
    select contact_id, first(technology order by revenue_amount desc, technology asc) as primary_technology
    from technology_revenue
    group by contact_id
),

-- ---------------------------------------------------------------- one row per known contact
known_contacts as (
    -- a contact exists once created, or once it ordered or interacted
    select contacts.contact_id
    from contacts
    where
        cast(contacts.created_at as date) <= ${as_of_date}
        or contacts.contact_id in (select contact_id from orders)
        or contacts.contact_id in (select contact_id from interactions)
)

select
    known_contacts.contact_id,
    scored_customers.contact_id is not null as is_customer,
    scored_customers.recency_days,
    scored_customers.frequency,
    cast(round(scored_customers.monetary * 100) as bigint) as monetary_cents,
    scored_customers.r_score,
    scored_customers.f_score,
    scored_customers.m_score,
    case
        when scored_customers.contact_id is null then null
        when scored_customers.higher_revenue_share < ${abc_cutoff_1} then '${abc_label_1}'
        when scored_customers.higher_revenue_share < ${abc_cutoff_2} then '${abc_label_2}'
        else '${abc_label_3}'
    end as abc_tier,
    case
        when scored_customers.contact_id is null and coalesce(engagement_facts.recent_engagement_events, 0)
            >= ${engaged_lead_min_events} then 'engaged_lead'
        when scored_customers.contact_id is null then 'prospect'
        when scored_customers.recency_days > ${lapsed_days} then 'lapsed'
        when gap_facts.gap_before_last_order_days > ${reactivation_gap_days}
            and scored_customers.recency_days <= ${reactivation_recent_days} then 'reactivated'
        when scored_customers.days_since_first_order <= ${new_customer_days} then 'new_customer'
        when scored_customers.recency_days > case
            when ${at_risk_gap_multiplier} * typical_gaps.typical_gap_days > ${at_risk_min_days}
                then ${at_risk_gap_multiplier} * typical_gaps.typical_gap_days
            else ${at_risk_min_days}
        end then 'at_risk'
        else 'active_customer'
    end as lifecycle_stage,
    coalesce(primary_needs.primary_need, 'unknown') as primary_need,
    primary_technologies.primary_technology
from known_contacts
left join scored_customers on known_contacts.contact_id = scored_customers.contact_id
left join gap_facts on known_contacts.contact_id = gap_facts.contact_id
left join typical_gaps on known_contacts.contact_id = typical_gaps.contact_id
left join engagement_facts on known_contacts.contact_id = engagement_facts.contact_id
left join primary_needs on known_contacts.contact_id = primary_needs.contact_id
left join primary_technologies on known_contacts.contact_id = primary_technologies.contact_id
