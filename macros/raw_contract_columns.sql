{#- The columns of a raw table in contract order: the one list the checked and quarantine models
    select, group and fingerprint. Read from the sources YAML (models/staging/_sources.yml, source
    raw), the one declaration of the raw contract, which the loader and the generator read too.
    While dbt only parses (no `execute`, the graph is not built yet): an empty list. -#}
{% macro raw_contract_columns(table_name) -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- for source in graph.sources.values()
        if source.package_name == 'segments' and source.source_name == 'raw' and source.name == table_name -%}
        {{ return(source.columns.keys() | list) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("raw_contract_columns: no raw table '" ~ table_name ~ "' in the source raw") }}
{%- endmacro %}
