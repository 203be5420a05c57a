{#- The columns of a raw table in contract order: the one list the checked and quarantine models
    select, group and fingerprint. Read from the one declaration of the raw contract, the var
    segments_raw_contract (dbt_project.yml), which the loader and the generator read too. A var,
    not the sources YAML: unit tests compile without dbt's graph, where sources cannot be read. -#}
{% macro raw_contract_columns(table_name) -%}
    {%- set contract = var('segments_raw_contract') -%}
    {%- if table_name not in contract -%}
        {{ exceptions.raise_compiler_error("raw_contract_columns: no raw table '" ~ table_name ~ "' in var segments_raw_contract") }}
    {%- endif -%}
    {{ return(contract[table_name] | map(attribute='name') | list) }}
{%- endmacro %}
