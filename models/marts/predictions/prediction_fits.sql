with

fits as (
    select * from {{ ref('int_prediction_fits') }}
)

select * from fits
