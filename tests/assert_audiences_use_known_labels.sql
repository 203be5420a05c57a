-- Every audience rule names an existing segment dimension and one of its labels, and every audience
-- has rules. Returns the offending rules and audiences.
with

audience_rules as (
    select * from {{ ref('audience_rules') }}
),

audiences as (
    select * from {{ ref('audiences') }}
),

segment_labels as (
    select * from {{ ref('segment_labels') }}
),

unknown_labels as (
    select
        audience_rules.audience_name,
        audience_rules.segment_dimension,
        audience_rules.label,
        'unknown dimension or label' as problem
    from audience_rules
    left join segment_labels
        on
            audience_rules.segment_dimension = segment_labels.segment_dimension
            and audience_rules.label = segment_labels.label
    where segment_labels.label is null
),

audiences_without_rules as (
    select
        audiences.audience_name,
        cast(null as {{ dbt.type_string() }}) as segment_dimension,
        cast(null as {{ dbt.type_string() }}) as label,
        'audience has no rule' as problem
    from audiences
    left join audience_rules
        on audiences.audience_name = audience_rules.audience_name
    where audience_rules.audience_name is null
)

select * from unknown_labels
union all
select * from audiences_without_rules
