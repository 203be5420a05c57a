{#- A query of one column, series_index = 0, 1, ..., upper_bound - 1: cross joins of a ten-row
    digit table, so it runs on every engine (no generate_series, no recursive CTE). -#}
{% macro integer_series(upper_bound) -%}
    {%- set bound = upper_bound | int -%}
    {%- if bound < 1 -%}
        {{ exceptions.raise_compiler_error("integer_series: upper_bound must be at least 1, got " ~ upper_bound) }}
    {%- endif -%}
    {%- set places = (bound - 1) | string | length -%}
    select
        {% for place in range(places) -%}
            digits_{{ place }}.digit * {{ 10 ** place }}{{ ' + ' if not loop.last }}
        {%- endfor %} as series_index
    from
        {% for place in range(places) -%}
            (
                {% for digit in range(10) -%}
                    select {{ digit }} as digit{{ ' union all ' if not loop.last }}
                {%- endfor %}
            ) as digits_{{ place }}{{ ' cross join' if not loop.last }}
        {% endfor %}
    where
        {% for place in range(places) -%}
            digits_{{ place }}.digit * {{ 10 ** place }}{{ ' + ' if not loop.last }}
        {%- endfor %} < {{ bound }}
{%- endmacro %}
