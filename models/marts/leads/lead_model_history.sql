with

fit_history as (
    select * from {{ ref('int_lead_fit_history') }}
)

select * from fit_history
