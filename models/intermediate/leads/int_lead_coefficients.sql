{#- The lead model's terms every lead score is computed with, one row per fit purpose and term:
    this build's fit (int_lead_fits, DuckDB), or the fixed terms under the key `lead` of the var
    segments_prediction_parameters / env SEGMENTS_PREDICTION_PARAMETERS (`segments parameters`
    writes those of a DuckDB build: how PostgreSQL and Spark score with DuckDB's fit). -#}
{%- set fixed = segments.fixed_prediction_parameters() -%}
{%- set fixed_terms = fixed.get('lead') if fixed is mapping else none -%}
{%- set use_fit = fixed_terms is none and target.type == 'duckdb' -%}
{%- if fixed_terms is none and not use_fit and execute -%}
    {{ exceptions.raise_compiler_error(
        "lead scoring: the lead model is fitted in Python on DuckDB only; on " ~ target.type
        ~ " set the var segments_prediction_parameters to the JSON `segments parameters` writes from a DuckDB"
        ~ " build (it holds the lead model's coefficients under the key lead)") }}
{%- endif -%}
{%- set as_of = segments.as_of_date() -%}
{%- set conversion_days = var('segments_lead_conversion_days') -%}
{%- set cutoffs = {
    'scoring': dbt.dateadd('day', -conversion_days, as_of),
    'backtest': dbt.dateadd('day', -2 * conversion_days, as_of),
} -%}

with

terms as (
    {% if use_fit -%}
        select
            fit_purpose,
            cutoff_date,
            'fit' as coefficient_source,
            term_kind,
            feature,
            level,
            center,
            scale,
            coefficient,
            fit_status
        from {{ ref('int_lead_fits') }}
    {%- elif fixed_terms is none -%}
        {#- parsing on an engine without the fit and without fixed terms: the error above is raised
            when the model runs -#}
        select 'scoring' as fit_purpose
    {%- else -%}
        {% for purpose, cutoff in cutoffs.items() -%}
            {%- if fixed_terms.get(purpose) is none -%}
                {{ exceptions.raise_compiler_error(
                    "var prediction_parameters: the key lead lacks the fit purpose '" ~ purpose
                    ~ "' (needs scoring and backtest)") }}
            {%- endif -%}
            {% for term_kind, feature, level, center, scale, coefficient in fixed_terms[purpose] -%}
                select
                    '{{ purpose }}' as fit_purpose,
                    cast({{ cutoff }} as date) as cutoff_date,
                    'fixed' as coefficient_source,
                    '{{ term_kind }}' as term_kind,
                    '{{ feature }}' as feature,
                    {{ "'" ~ (level | replace("'", "''")) ~ "'" if level is not none else 'cast(null as ' ~ dbt.type_string() ~ ')' }} as level,  -- noqa: LT05
                    cast('{{ center }}' as {{ segments.type_double() }}) as center,
                    cast('{{ scale }}' as {{ segments.type_double() }}) as scale,
                    cast('{{ coefficient }}' as {{ segments.type_double() }}) as coefficient,
                    'fixed' as fit_status
                {% if not loop.last %}union all{% endif %}
            {% endfor %}
            {% if not loop.last %}union all{% endif %}
        {% endfor %}
    {%- endif %}
)

select * from terms
