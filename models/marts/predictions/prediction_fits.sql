with

fit_history as (
    select * from {{ ref('int_prediction_fit_history') }}
)

select * from fit_history
