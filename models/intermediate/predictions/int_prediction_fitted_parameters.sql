{#- The fitted parameters each fit purpose scores with: this build's fit (int_prediction_fits, kept
    in int_prediction_fit_history) where it is usable or has no customer to score; otherwise, with
    the var segments_prediction_failed_fit last_converged, the newest usable fit of the same purpose
    whose cut-off is earlier (never a later one: a past as_of_date must not score with what was
    fitted on its future). With `error` an unusable fit has already stopped the build in
    int_prediction_fits. DuckDB only, like the fit. -#}
{%- set failed_fit = var('segments_prediction_failed_fit') -%}
{%- if failed_fit not in ['error', 'last_converged'] -%}
    {{ exceptions.raise_compiler_error(
        "var segments_prediction_failed_fit: '" ~ failed_fit ~ "' is neither error nor last_converged") }}
{%- endif -%}
{%- set parameter_names = ['r', 'alpha', 'a', 'b', 'p', 'q', 'gamma'] -%}
{%- set statistic_names = ['bgnbd_log_likelihood', 'bgnbd_sample_size', 'gamma_gamma_log_likelihood',
                           'gamma_gamma_sample_size'] -%}

with

fit_history as (
    select * from {{ ref('int_prediction_fit_history') }}
),

fits_of_this_build as (
    select * from fit_history
    where as_of_date = {{ segments.as_of_date() }}
),

-- the fits each purpose of this build may take its parameters from, preferred first: its own fit
-- where it is usable or has no customer to score; otherwise, with segments_prediction_failed_fit
-- last_converged, the usable fits of the same purpose cut off earlier, the newest first
candidate_fits as (
    select
        fits_of_this_build.fit_purpose,
        fits_of_this_build.cutoff_date,
        case
            when source_fits.as_of_date = fits_of_this_build.as_of_date then 'fit' else 'last_converged_fit'
        end as parameter_source,
        source_fits.cutoff_date as fitted_cutoff_date,
        {% for name in parameter_names + statistic_names -%}
            source_fits.{{ name }},
        {% endfor -%}
        row_number() over (
            partition by fits_of_this_build.fit_purpose
            order by source_fits.cutoff_date desc, source_fits.as_of_date desc
        ) as preference
    from fits_of_this_build
    inner join fit_history as source_fits
        on
            fits_of_this_build.fit_purpose = source_fits.fit_purpose
            and (
                (
                    fits_of_this_build.as_of_date = source_fits.as_of_date
                    and (source_fits.is_usable or source_fits.bgnbd_sample_size = 0)
                )
                or (
                    '{{ failed_fit }}' = 'last_converged'
                    and not fits_of_this_build.is_usable
                    and fits_of_this_build.bgnbd_sample_size > 0
                    and fits_of_this_build.cutoff_date > source_fits.cutoff_date
                    and source_fits.is_usable
                )
            )
),

parameters as (
    select
        fit_purpose,
        cast(cutoff_date as date) as cutoff_date,
        parameter_source,
        cast(fitted_cutoff_date as date) as fitted_cutoff_date,
        {% for name in parameter_names -%}
            cast({{ name }} as {{ segments.type_double() }}) as {{ name }}_parameter,
        {% endfor -%}
        bgnbd_log_likelihood,
        bgnbd_sample_size,
        gamma_gamma_log_likelihood,
        gamma_gamma_sample_size
    from candidate_fits
    where preference = 1
)

select * from parameters
