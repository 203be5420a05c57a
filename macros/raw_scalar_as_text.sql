{#- The part of raw_value_as_text that every engine shares: a text column as it is, a boolean as
    'true'/'false', any other non-time kind cast to text (integers as digits, decimals exactly). -#}
{% macro raw_scalar_as_text(column, kind) -%}
    {%- if kind in [none, 'text'] -%}
        {{ column }}
    {%- elif kind == 'boolean' -%}
        case when {{ column }} then 'true' when not {{ column }} then 'false' end
    {%- else -%}
        cast({{ column }} as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}
