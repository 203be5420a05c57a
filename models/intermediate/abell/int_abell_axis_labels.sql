{#- The catalogued labels of the three Abell axes, one row per axis and label, from the label
    seeds: what the matrix crosses, the axis summary lists and segment_labels accepts. A contact
    outside them (need unknown, no technology) is each reader's own row. -#}
with

client_groups as (
    select * from {{ ref('abell_client_group_labels') }}
),

needs as (
    select * from {{ ref('abell_need_labels') }}
),

technologies as (
    select * from {{ ref('abell_technology_labels') }}
),

axis_labels as (
    select
        'client_group' as abell_axis,
        client_group as label,
        display_order,
        true as is_offer
    from client_groups
    union all
    select
        'need' as abell_axis,
        need as label,
        display_order,
        true as is_offer
    from needs
    union all
    select
        'technology' as abell_axis,
        technology as label,
        display_order,
        is_offer
    from technologies
)

select * from axis_labels
