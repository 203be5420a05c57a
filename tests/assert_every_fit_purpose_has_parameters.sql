{#- Both fit purposes have parameters. A purpose is missing when this build's fit was not usable,
    the var segments_prediction_failed_fit is last_converged, and prediction_fits holds no usable
    fit of that purpose with an earlier cut-off: set segments_prediction_parameters to fixed
    parameters, or build an earlier as_of_date whose fit converges first. -#}
with

prediction_parameters as (
    select * from {{ ref('prediction_parameters') }}
),

purposes as (
    select 'scoring' as fit_purpose
    union all
    select 'calibration' as fit_purpose
),

purposes_without_parameters as (
    select purposes.fit_purpose
    from purposes
    left join prediction_parameters
        on purposes.fit_purpose = prediction_parameters.fit_purpose
    where prediction_parameters.fit_purpose is null
)

select * from purposes_without_parameters
