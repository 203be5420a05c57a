{#- Current, whatever the as_of_date of the build: see int_email_suppressions. -#}
with

email_suppressions as (
    select * from {{ ref('int_email_suppressions') }}
)

select * from email_suppressions
