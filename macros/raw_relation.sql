{#- The warehouse relation behind raw_input(table_name) (a source preset's union, or
    source('raw', table_name)), also inside a unit test: there source() names the fixture CTE (which
    dbt builds with this relation's column types) and the graph is empty, so the relation is
    rebuilt from the vars that models/staging/_sources.yml reads (segments_raw_database,
    segments_raw_schema, segments_<table>_identifier). -#}
{% macro raw_relation(table_name) -%}
    {%- set relation = segments.raw_input(table_name) -%}
    {%- set identifier_var = 'segments_' ~ table_name ~ '_identifier' -%}
    {%- if relation.type != 'cte' -%}
        {{ return(relation) }}
    {%- endif -%}
    {{ return(api.Relation.create(
        database=var('segments_raw_database', none) or target.database,
        schema=var('segments_raw_schema', 'raw'),
        identifier=var(identifier_var, table_name))) }}
{%- endmacro %}
