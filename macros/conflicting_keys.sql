{% macro conflicting_keys(relation, key_columns) -%}
    select
        {%- for column in key_columns %}
        {{ column }},
        {%- endfor %}
        count(*) as key_versions
    from {{ relation }}
    where
        {%- for column in key_columns %}
        {{ 'and ' if not loop.first }}{{ column }} is not null
        {%- endfor %}
    group by {{ key_columns | join(', ') }}
    having count(*) > 1
{%- endmacro %}
