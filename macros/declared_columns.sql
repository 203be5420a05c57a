{#- The columns this model's YAML declares, in their order, as a select list: a model that only
    passes columns on (a valid-rows view, a mart over its intermediate model) publishes exactly what
    its documentation lists, and the list is written once. While parsing, when the YAML is not read
    yet, '*'. -#}
{% macro declared_columns(relation_alias=none) -%}
    {%- if not execute -%}
        {{ return('*') }}
    {%- endif -%}
    {%- set names = model.columns.values() | map(attribute='name') | list -%}
    {%- if not names -%}
        {{ exceptions.raise_compiler_error(model.name ~ ' selects declared_columns() but its YAML declares no columns') }}
    {%- endif -%}
    {%- set prefix = relation_alias ~ '.' if relation_alias else '' -%}
    {{ return(prefix ~ names | join(',\n    ' ~ prefix)) }}
{%- endmacro %}
