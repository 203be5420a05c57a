with

parameters as (
    select * from {{ ref('int_prediction_parameters') }}
)

select * from parameters
