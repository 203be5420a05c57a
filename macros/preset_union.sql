{#- The rows of the raw table `table_name` as the source presets that fill it deliver them (the
    models stg_<preset>__<table>), one union, each contract column cast to the type of its kind:
    presets of different loaders line up, and staging reads the union as a typed raw table. -#}
{% macro preset_union(table_name) -%}
    {%- set types = {
        'text': dbt.type_string(), 'integer': dbt.type_bigint(), 'decimal': dbt.type_numeric(),
        'boolean': dbt.type_boolean(), 'timestamp': dbt.type_timestamp()} -%}
    {%- for preset in segments.presets_filling(table_name) %}
    select
        {%- for column in var('segments_raw_contract')[table_name] %}
        cast({{ column.name }} as {{ types[column.get('kind', 'text')] }}) as {{ column.name }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ ref('stg_' ~ preset ~ '__' ~ table_name) }}
    {%- if not loop.last %}

    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
