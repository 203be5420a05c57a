{%- set min_contacts = var('segments_abell_opportunity_min_contacts') -%}
{%- set max_penetration = var('segments_abell_opportunity_max_penetration') -%}

with

abell_axis_labels as (
    select * from {{ ref('int_abell_axis_labels') }}
),

contact_abell as (
    select * from {{ ref('contact_abell') }}
),

contact_technology_revenue as (
    select * from {{ ref('int_contact_technology_revenue') }}
),

cells as (
    -- The full cross product: empty cells are the point.
    select
        client_groups.label as client_group,
        needs.label as need,
        technologies.label as technology,
        client_groups.display_order as client_group_order,
        needs.display_order as need_order,
        technologies.display_order as technology_order,
        technologies.is_offer
    from abell_axis_labels as client_groups
    cross join abell_axis_labels as needs
    cross join abell_axis_labels as technologies
    where
        client_groups.abell_axis = 'client_group'
        and needs.abell_axis = 'need'
        and technologies.abell_axis = 'technology'
),

demand as (
    select
        client_group,
        primary_need as need,
        count(*) as contacts_with_need,
        sum(need_signal_score) as need_signal_score
    from contact_abell
    where primary_need != 'unknown'
    group by client_group, primary_need
),

adoption as (
    select
        contact_abell.client_group,
        contact_abell.primary_need as need,
        contact_technology_revenue.technology,
        count(*) as adopters,
        sum(contact_technology_revenue.revenue_amount) as revenue_amount
    from contact_abell
    inner join contact_technology_revenue
        on contact_abell.contact_id = contact_technology_revenue.contact_id
    where contact_abell.primary_need != 'unknown'
    group by contact_abell.client_group, contact_abell.primary_need, contact_technology_revenue.technology
),

measured as (
    select
        cells.client_group,
        cells.need,
        cells.technology,
        cells.client_group_order,
        cells.need_order,
        cells.technology_order,
        cells.is_offer,
        coalesce(demand.contacts_with_need, 0) as contacts_with_need,
        coalesce(demand.need_signal_score, 0) as need_signal_score,
        coalesce(adoption.adopters, 0) as adopters,
        cast(coalesce(adoption.revenue_amount, 0) as decimal(28, 2)) as revenue_amount
    from cells
    left join demand
        on
            cells.client_group = demand.client_group
            and cells.need = demand.need
    left join adoption
        on
            cells.client_group = adoption.client_group
            and cells.need = adoption.need
            and cells.technology = adoption.technology
),

scored as (
    select
        *,
        {{ segments.ratio('adopters', 'contacts_with_need') }} as penetration,
        {{ segments.ratio('contacts_with_need', 'max(contacts_with_need) over ()') }} as demand_index
    from measured
),

flagged as (
    select
        *,
        case when is_offer then coalesce(demand_index * (1 - penetration), 0) else 0 end as opportunity_score,
        coalesce(
            is_offer and contacts_with_need >= {{ min_contacts }} and penetration <= {{ max_penetration }}, false
        ) as is_opportunity
    from scored
),

opportunities as (
    -- Flagged niches first, then by unserved demand; the seeds' display orders break ties.
    select
        client_group,
        need,
        technology,
        contacts_with_need,
        need_signal_score,
        adopters,
        revenue_amount,
        penetration,
        demand_index,
        opportunity_score,
        is_opportunity,
        row_number() over (
            order by
                case when is_opportunity then 0 else 1 end asc,
                opportunity_score desc,
                client_group_order asc,
                need_order asc,
                technology_order asc
        ) as opportunity_rank,
        {{ segments.as_of_date() }} as as_of_date
    from flagged
)

select * from opportunities
