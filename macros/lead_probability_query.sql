{#- A query: every row of `features` (rows of int_lead_features) with lead_logit and
    lead_probability = 1 / (1 + exp(-lead_logit)) under the terms of `coefficients` (rows of
    int_lead_coefficients of one fit purpose): intercept + sum of (value - center) / scale x
    coefficient over the numeric features + the coefficient of each categorical level (0 for a
    level the fit never saw). Portable SQL, the logistic function written so exp never overflows,
    rounded to 10 decimals (engines' exp may differ in the last bit). -#}
{% macro lead_probability_query(features, coefficients) -%}
    {%- set lead = segments.lead_features() -%}
    select
        logits.*,
        {{ segments.round_double(
            'case when lead_logit >= 0 then 1 / (1 + exp(-lead_logit)) else exp(lead_logit) / (1 + exp(lead_logit)) end',
            10) }} as lead_probability
    from (
        select
            {{ features }}.*,
            weights.intercept
            {%- for feature in lead.numeric %}
                + ({{ features }}.{{ feature }} - weights.{{ feature }}__center) * weights.{{ feature }}__weight
            {%- endfor %}
            {%- for feature in lead.categorical %}
                + coalesce({{ feature }}_term.coefficient, 0)
            {%- endfor %} as lead_logit
        from {{ features }}
        cross join (
            select
                max(case when term_kind = 'intercept' then coefficient end) as intercept
                {%- for feature in lead.numeric %},
                    max(case when term_kind = 'numeric' and feature = '{{ feature }}' then center end) as {{ feature }}__center,
                    max(case when term_kind = 'numeric' and feature = '{{ feature }}' then coefficient / scale end) as {{ feature }}__weight
                {%- endfor %}
            from {{ coefficients }}
        ) as weights
        {%- for feature in lead.categorical %}
            left join {{ coefficients }} as {{ feature }}_term
                on
                    {{ feature }}_term.term_kind = 'category'
                    and {{ feature }}_term.feature = '{{ feature }}'
                    and {{ features }}.{{ feature }} = {{ feature }}_term.level
        {%- endfor %}
    ) as logits
{%- endmacro %}
