with

contact_abell as (
    select * from {{ ref('contact_abell') }}
),

contact_technology_revenue as (
    select * from {{ ref('int_contact_technology_revenue') }}
),

abell_axis_labels as (
    select * from {{ ref('int_abell_axis_labels') }}
),

axis_labels as (
    select
        abell_axis,
        label,
        display_order
    from abell_axis_labels
    union all
    select
        'need' as abell_axis,
        'unknown' as label,
        999 as display_order
),

contact_axes as (
    -- one row per contact and axis: its client group, its primary need, each technology it adopted
    {% for axis, column in [('client_group', 'client_group'), ('need', 'primary_need')] %}
        select
            '{{ axis }}' as abell_axis,
            {{ column }} as label,
            contact_id,
            is_customer,
            revenue_amount
        from contact_abell
        union all
    {% endfor %}
    select
        'technology' as abell_axis,
        technology as label,
        contact_id,
        true as is_customer,
        revenue_amount
    from contact_technology_revenue
),

measured as (
    select
        abell_axis,
        label,
        count(*) as contacts,
        sum(case when is_customer then 1 else 0 end) as customers,
        sum(revenue_amount) as revenue_amount
    from contact_axes
    group by abell_axis, label
),

summary as (
    select
        axis_labels.abell_axis,
        axis_labels.label,
        axis_labels.display_order,
        coalesce(measured.contacts, 0) as contacts,
        coalesce(measured.customers, 0) as customers,
        cast(coalesce(measured.revenue_amount, 0) as decimal(28, 2)) as revenue_amount,
        {{ segments.ratio(
            'coalesce(measured.revenue_amount, 0)',
            'sum(coalesce(measured.revenue_amount, 0)) over (partition by axis_labels.abell_axis)'
        ) }} as revenue_share,
        {{ segments.as_of_date() }} as as_of_date
    from axis_labels
    left join measured
        on
            axis_labels.abell_axis = measured.abell_axis
            and axis_labels.label = measured.label
)

select * from summary
