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

with

fit_history as (
    select * from {{ ref('int_prediction_fit_history') }}
),

fits_of_this_build as (
    select * from fit_history
    where as_of_date = {{ segments.as_of_date() }}
),

-- for a fit of this build that is not usable, the usable fits of the same purpose cut off earlier,
-- newest first (only with var segments_prediction_failed_fit last_converged)
earlier_usable_fits as (
    select
        fits_of_this_build.fit_purpose,
        fits_of_this_build.cutoff_date,
        earlier_fits.cutoff_date as fitted_cutoff_date,
        {% for name in parameter_names -%}
            earlier_fits.{{ name }},
        {% endfor -%}
        earlier_fits.bgnbd_log_likelihood,
        earlier_fits.bgnbd_sample_size,
        earlier_fits.gamma_gamma_log_likelihood,
        earlier_fits.gamma_gamma_sample_size,
        row_number() over (
            partition by fits_of_this_build.fit_purpose
            order by earlier_fits.cutoff_date desc, earlier_fits.as_of_date desc
        ) as recency
    from fits_of_this_build
    inner join fit_history as earlier_fits
        on
            fits_of_this_build.fit_purpose = earlier_fits.fit_purpose
            and fits_of_this_build.cutoff_date > earlier_fits.cutoff_date
            and earlier_fits.is_usable
    where
        not fits_of_this_build.is_usable
        and fits_of_this_build.bgnbd_sample_size > 0
        and '{{ failed_fit }}' = 'last_converged'
),

chosen_fits as (
    -- this build's fit where it is usable, or has no customer (nothing to score) ...
    select
        fit_purpose,
        cutoff_date,
        'fit' as parameter_source,
        cutoff_date as fitted_cutoff_date,
        {% for name in parameter_names -%}
            {{ name }},
        {% endfor -%}
        bgnbd_log_likelihood,
        bgnbd_sample_size,
        gamma_gamma_log_likelihood,
        gamma_gamma_sample_size
    from fits_of_this_build
    where is_usable or bgnbd_sample_size = 0
    union all
    -- ... else the newest usable earlier one (none: no row, and prediction_parameters' test fails)
    select
        fit_purpose,
        cutoff_date,
        'last_converged_fit' as parameter_source,
        fitted_cutoff_date,
        {% for name in parameter_names -%}
            {{ name }},
        {% endfor -%}
        bgnbd_log_likelihood,
        bgnbd_sample_size,
        gamma_gamma_log_likelihood,
        gamma_gamma_sample_size
    from earlier_usable_fits
    where recency = 1
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
    from chosen_fits
)

select * from parameters
