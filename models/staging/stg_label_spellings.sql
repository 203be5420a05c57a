with

labels as (
    select * from {{ ref('labels') }}
),

label_aliases as (
    select * from {{ ref('label_aliases') }}
),

canonical_spellings as (
    select
        label_domain,
        label as spelling,
        label
    from labels
),

alias_spellings as (
    select
        label_domain,
        alias as spelling,
        label
    from label_aliases
),

spellings as (
    select * from canonical_spellings
    union all
    select * from alias_spellings
)

select * from spellings
