{#- The fixed model parameters of the var segments_prediction_parameters, or of the environment
    variable SEGMENTS_PREDICTION_PARAMETERS when the var is unset: a mapping (the var may hold the
    mapping or its JSON text), or none when neither is set. `segments parameters` writes them:
    {"scoring": {r, alpha, a, b, p, q, gamma}, "calibration": {...}, "lead": {"scoring": [terms],
    "backtest": [terms]}}, a term being [term_kind, feature, level, center, scale, coefficient]. -#}
{% macro fixed_prediction_parameters() -%}
    {%- set configured = var('segments_prediction_parameters') or env_var('SEGMENTS_PREDICTION_PARAMETERS', '') -%}
    {%- if configured is string -%}
        {%- set fixed = fromjson(configured) if configured | trim else none -%}
        {%- if configured | trim and fixed is not mapping -%}
            {{ exceptions.raise_compiler_error("var prediction_parameters: not a JSON object: " ~ configured[:200]) }}
        {%- endif -%}
    {%- else -%}
        {%- set fixed = configured or none -%}
    {%- endif -%}
    {{ return(fixed) }}
{%- endmacro %}
