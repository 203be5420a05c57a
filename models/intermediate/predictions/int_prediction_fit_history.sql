{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['as_of_date', 'fit_purpose'],
    on_schema_change='fail',
) }}
{#- Every fit this warehouse ran, one row per as_of_date and fit purpose: a build adds the fits of
    its as_of_date (a rebuild of the same date replaces them), so the parameters behind any past
    snapshot are kept, and a fit that failed can fall back to the newest usable one
    (int_prediction_parameters, var segments_prediction_failed_fit). A full refresh starts it anew. -#}
with

fits as (
    select * from {{ ref('int_prediction_fits') }}
),

fits_of_this_build as (
    select
        {{ segments.as_of_date() }} as as_of_date,
        fits.*
    from fits
)

select * from fits_of_this_build
