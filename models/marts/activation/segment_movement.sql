{#- The migration matrix between two as_of_dates of the snapshot history (vars segments_movement_from_date,
    segments_movement_to_date; by default the two most recent dates recorded): for each dimension, how many
    contacts went from each label to each other, and the revenue they brought in between the two
    dates. Stayers are included (from_label = to_label); contacts unknown on the first date come
    from new_contact. -#}
{%- set dimensions = segments.segment_dimensions() -%}
{%- set from_date = var('segments_movement_from_date') -%}
{%- set to_date = var('segments_movement_to_date') -%}

with

snapshot_versions as (
    select * from {{ ref('contact_segments_snapshot') }}
),

order_lines as (
    select * from {{ ref('fct_order_lines') }}
),

recorded_dates as (
    select distinct cast(dbt_valid_from as date) as recorded_date
    from snapshot_versions
),

ranked_dates as (
    select
        recorded_date,
        row_number() over (order by recorded_date desc) as recency_rank
    from recorded_dates
),

period as (
    select
        {% if from_date is none -%}
            max(case when recency_rank = 2 then recorded_date end)
        {%- else -%}
            cast('{{ from_date }}' as date)
        {%- endif %} as from_date,
        {% if to_date is none -%}
            max(case when recency_rank = 1 then recorded_date end)
        {%- else -%}
            cast('{{ to_date }}' as date)
        {%- endif %} as to_date
    from ranked_dates
),

states as (
    -- The version of each contact valid on each of the two dates.
    select
        snapshot_versions.*,
        cast(snapshot_versions.dbt_valid_from as date) <= period.from_date
        and coalesce(cast(snapshot_versions.dbt_valid_to as date) > period.from_date, true) as is_from_state,
        cast(snapshot_versions.dbt_valid_from as date) <= period.to_date
        and coalesce(cast(snapshot_versions.dbt_valid_to as date) > period.to_date, true) as is_to_state
    from snapshot_versions
    cross join period
),

from_states as (
    select * from states
    where is_from_state
),

to_states as (
    select * from states
    where is_to_state
),

period_revenue as (
    select
        order_lines.contact_id,
        sum(order_lines.revenue_amount) as revenue_amount
    from order_lines
    cross join period
    where order_lines.order_date > period.from_date and order_lines.order_date <= period.to_date
    group by order_lines.contact_id
),

moves as (
    {% for dimension in dimensions %}
        select
            '{{ dimension }}' as segment_dimension,
            coalesce(from_states.{{ dimension }}, 'new_contact') as from_label,
            to_states.{{ dimension }} as to_label,
            to_states.contact_id,
            coalesce(period_revenue.revenue_amount, 0) as revenue_amount
        from to_states
        left join from_states
            on to_states.contact_id = from_states.contact_id
        left join period_revenue
            on to_states.contact_id = period_revenue.contact_id
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

matrix as (
    select
        moves.segment_dimension,
        moves.from_label,
        moves.to_label,
        period.from_date,
        period.to_date,
        count(*) as contacts,
        cast(sum(moves.revenue_amount) as decimal(28, 2)) as revenue_amount
    from moves
    cross join period
    group by moves.segment_dimension, moves.from_label, moves.to_label, period.from_date, period.to_date
)

select * from matrix
