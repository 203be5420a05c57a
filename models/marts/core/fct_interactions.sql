with

interactions as (
    select * from {{ ref('int_interactions') }}
)

select * from interactions
