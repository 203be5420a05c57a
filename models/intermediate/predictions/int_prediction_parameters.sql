{#- The BG/NBD and Gamma-Gamma parameters every prediction is computed with, one row per fit
    purpose: fitted (int_prediction_fitted_parameters: this build's fit, or an earlier usable one
    when it did not converge) or fixed by the var segments_prediction_parameters. -#}
{%- set fixed = segments.fixed_prediction_parameters() -%}
{%- set parameter_names = ['r', 'alpha', 'a', 'b', 'p', 'q', 'gamma'] -%}

{%- set use_fit = fixed is none and target.type == 'duckdb' -%}
{%- if fixed is none and not use_fit and execute -%}
    {{ exceptions.raise_compiler_error(
        "prediction_parameters: the models are fitted in Python on DuckDB only; on " ~ target.type
        ~ " set the var segments_prediction_parameters (`segments parameters` writes a fitted set as JSON)") }}
{%- endif %}

{%- set purposes = {'scoring': segments.as_of_date(),
                    'calibration': dbt.dateadd('day', -var('segments_prediction_holdout_days'), segments.as_of_date())} -%}

with

parameters as (
    {% if use_fit -%}
        select * from {{ ref('int_prediction_fitted_parameters') }}
    {%- elif fixed is none -%}
        {#- parsing on an engine without the fit and without fixed parameters: the error above
            is raised when the model runs -#}
        select 'scoring' as fit_purpose
    {%- else -%}
        {% for purpose, cutoff in purposes.items() -%}
            {%- set chosen = fixed.get(purpose) or fixed.get('scoring') or {} -%}
            select
                '{{ purpose }}' as fit_purpose,
                cast({{ cutoff }} as date) as cutoff_date,
                'fixed' as parameter_source,
                cast(null as date) as fitted_cutoff_date,
                {% for name in parameter_names -%}
                    {%- if chosen.get(name) is none -%}
                        {{ exceptions.raise_compiler_error(
                            "var prediction_parameters: '" ~ purpose ~ "' lacks parameter '" ~ name
                            ~ "' (needs r, alpha, a, b, p, q, gamma)") }}
                    {%- endif -%}
                    cast('{{ chosen[name] }}' as {{ segments.type_double() }}) as {{ name }}_parameter,
                {% endfor -%}
                cast(null as {{ segments.type_double() }}) as bgnbd_log_likelihood,
                cast(null as {{ dbt.type_bigint() }}) as bgnbd_sample_size,
                cast(null as {{ segments.type_double() }}) as gamma_gamma_log_likelihood,
                cast(null as {{ dbt.type_bigint() }}) as gamma_gamma_sample_size
            {% if not loop.last %}union all{% endif %}
        {% endfor %}
    {%- endif %}
)

select * from parameters
