with

contacts as (
    select * from {{ ref('dim_contacts') }}
),

contact_client_group as (
    select * from {{ ref('int_contact_client_group') }}
),

contact_need_scores as (
    select * from {{ ref('int_contact_need_scores') }}
),

contact_technology_revenue as (
    select * from {{ ref('int_contact_technology_revenue') }}
),

ranked_needs as (
    -- Highest weighted signal wins; ties go to the most recent signal, then to the need's name.
    select
        contact_id,
        need,
        need_signal_score,
        last_signal_at,
        count(*) over (partition by contact_id) as needs_expressed,
        row_number() over (
            partition by contact_id
            order by need_signal_score desc, last_signal_at desc, need asc
        ) as need_rank
    from contact_need_scores
),

ranked_technologies as (
    -- The technology with the most revenue; ties go to the technology's name.
    select
        contact_id,
        technology,
        revenue_amount,
        count(*) over (partition by contact_id) as technologies_adopted,
        row_number() over (partition by contact_id order by revenue_amount desc, technology asc) as technology_rank
    from contact_technology_revenue
),

technology_lists as (
    select
        contact_id,
        {{ segments.ordered_listagg('technology', "', '", "order by technology") }} as technology_list,
        sum(revenue_amount) as revenue_amount
    from contact_technology_revenue
    group by contact_id
),

classified as (
    select
        contacts.contact_id,
        contacts.is_customer,

        -- who: client group
        contact_client_group.client_group,
        contact_client_group.client_group_rule_id,

        -- what: need
        coalesce(ranked_needs.need, 'unknown') as primary_need,
        coalesce(ranked_needs.need_signal_score, 0) as need_signal_score,
        ranked_needs.last_signal_at as need_last_signal_at,
        coalesce(ranked_needs.needs_expressed, 0) as needs_expressed,

        -- how: technology
        ranked_technologies.technology as primary_technology,
        ranked_technologies.revenue_amount as primary_technology_revenue,
        coalesce(ranked_technologies.technologies_adopted, 0) as technologies_adopted,
        technology_lists.technology_list,
        coalesce(technology_lists.revenue_amount, 0) as revenue_amount,

        {{ segments.as_of_date() }} as as_of_date
    from contacts
    inner join contact_client_group
        on contacts.contact_id = contact_client_group.contact_id
    left join ranked_needs
        on
            contacts.contact_id = ranked_needs.contact_id
            and ranked_needs.need_rank = 1
    left join ranked_technologies
        on
            contacts.contact_id = ranked_technologies.contact_id
            and ranked_technologies.technology_rank = 1
    left join technology_lists
        on contacts.contact_id = technology_lists.contact_id
)

select * from classified
