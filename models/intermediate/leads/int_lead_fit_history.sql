{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['as_of_date', 'fit_purpose'],
    on_schema_change='fail',
) }}
{#- Every lead-model fit this warehouse ran, one row per as_of_date, fit purpose and term: a build
    adds the coefficients of its as_of_date (a rebuild of the same date replaces them), so the
    model behind any past score is kept. A full refresh starts it anew. -#}
with

fits as (
    select * from {{ ref('int_lead_fits') }}
),

fits_of_this_build as (
    select
        {{ segments.as_of_date() }} as as_of_date,
        fits.*
    from fits
)

select * from fits_of_this_build
