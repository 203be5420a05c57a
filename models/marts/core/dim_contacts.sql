with

contacts as (
    select * from {{ ref('int_contacts') }}
)

select * from contacts
