{#- The new contents of a Parquet snapshot table, written to a scratch table that is returned:
    every current version, closed (dbt_valid_to from the staging view) where the staging view holds
    an update or delete for it, then the staging view's new versions. Columns in the target's order.
    What dbt-spark's MERGE does on Delta, as a rewrite. -#}
{% macro spark_snapshot_rewrite(target_relation, staging_relation, columns) -%}
    {%- set scratch = api.Relation.create(
        identifier=target_relation.identifier ~ '__dbt_rewrite',
        schema=target_relation.schema, database=none, type='table') -%}
    {%- set target_columns = adapter.get_columns_in_relation(target_relation) | map(attribute='name') | list -%}
    {%- set valid_to = columns.dbt_valid_to -%}
    {%- set scd_id = columns.dbt_scd_id -%}
    {%- set current_condition -%}
        {%- if config.get('dbt_valid_to_current') -%}
            (existing.{{ valid_to }} = {{ config.get('dbt_valid_to_current') }} or existing.{{ valid_to }} is null)
        {%- else -%}
            existing.{{ valid_to }} is null
        {%- endif -%}
    {%- endset -%}
    {%- set rewrite_sql -%}
        with closing as (
            select {{ scd_id }}, min({{ valid_to }}) as closed_at
            from {{ staging_relation }}
            where dbt_change_type in ('update', 'delete')
            group by {{ scd_id }}
        )

        select
            {%- for name in target_columns %}
            {% if name == valid_to -%}
            case when closing.{{ scd_id }} is not null and {{ current_condition }}
                then closing.closed_at else existing.{{ valid_to }} end as {{ valid_to }}
            {%- else -%}
            existing.{{ name }}
            {%- endif %}{{ ',' if not loop.last }}
            {%- endfor %}
        from {{ target_relation }} as existing
        left join closing
            on existing.{{ scd_id }} = closing.{{ scd_id }}

        union all

        select
            {%- for name in target_columns %}
            {{ name }}{{ ',' if not loop.last }}
            {%- endfor %}
        from {{ staging_relation }}
        where dbt_change_type = 'insert'
    {%- endset -%}
    {%- do adapter.drop_relation(scratch) -%}
    {%- do run_query(create_table_as(False, scratch, rewrite_sql)) -%}
    {{ return(scratch) }}
{%- endmacro %}
