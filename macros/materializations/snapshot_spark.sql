{#- Snapshots on Spark without Delta, Iceberg or Hudi (which need jars that are not on PyPI).

    dbt-spark 1.11 refuses snapshots on Parquet tables because it applies the changes with MERGE.
    This copy of its materialization (the root project's wins over the adapter's) keeps everything
    else — strategies, staging view, new columns — and, on a Parquet table, applies the changes by
    rewriting the table instead: the current versions that changed get their dbt_valid_to, new
    versions are appended, and the result replaces the table's contents (INSERT OVERWRITE from a
    scratch table, since Spark cannot overwrite a table it is reading). Delta, Iceberg and Hudi
    tables still get dbt-spark's MERGE. The rewrite costs one pass over the snapshot per run. -#}
{% materialization snapshot, adapter='spark' %}

  {%- set target_table = model.get('alias', model.get('name')) -%}
  {%- set strategy_name = config.get('strategy') -%}
  {%- set grant_config = config.get('grants') -%}

  {% set target_relation_exists, target_relation = get_or_create_relation(
          database=none,
          schema=model.schema,
          identifier=target_table,
          type='table') -%}

  {%- set merge_capable = target_relation_exists and (
        target_relation.is_delta or target_relation.is_iceberg or target_relation.is_hudi) -%}

  {% if not adapter.check_schema_exists(model.database, model.schema) %}
    {% do create_schema(model.schema) %}
  {% endif %}

  {%- if not target_relation.is_table -%}
    {% do exceptions.relation_wrong_type(target_relation, 'table') %}
  {%- endif -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {% set strategy_macro = strategy_dispatch(strategy_name) %}
  {% set strategy = strategy_macro(model, "snapshotted_data", "source_data", model['config'], target_relation_exists) %}

  {% if not target_relation_exists %}

      {% set build_sql = build_snapshot_table(strategy, model['compiled_code']) %}
      {% set final_sql = create_table_as(False, target_relation, build_sql) %}

  {% else %}

      {% set columns = config.get("snapshot_table_column_names") or get_snapshot_table_column_names() %}
      {{ adapter.valid_snapshot_target(target_relation, columns) }}

      {% set staging_table = spark_build_snapshot_staging_table(strategy, sql, target_relation) %}
      {% do adapter.expand_target_column_types(from_relation=staging_table, to_relation=target_relation) %}

      {% set internal_columns = ['dbt_change_type', 'DBT_CHANGE_TYPE', 'dbt_unique_key', 'DBT_UNIQUE_KEY'] %}
      {% set missing_columns = adapter.get_missing_columns(staging_table, target_relation)
                                   | rejectattr('name', 'in', internal_columns) | list %}
      {% do create_columns(target_relation, missing_columns) %}

      {% set source_columns = adapter.get_columns_in_relation(staging_table)
                                   | rejectattr('name', 'in', internal_columns) | list %}
      {% set quoted_source_columns = [] %}
      {% for column in source_columns %}
        {% do quoted_source_columns.append(adapter.quote(column.name)) %}
      {% endfor %}

      {% if merge_capable %}
          {% set final_sql = snapshot_merge_sql(target=target_relation, source=staging_table,
                                                insert_cols=quoted_source_columns) %}
      {% else %}
          {% set rewritten = segments.spark_snapshot_rewrite(target_relation, staging_table, columns) %}
          {% set final_sql %}
              insert overwrite table {{ target_relation }} select * from {{ rewritten }}
          {% endset %}
      {% endif %}

  {% endif %}

  {% call statement('main') %}
      {{ final_sql }}
  {% endcall %}

  {% if rewritten is defined %}
      {% do adapter.drop_relation(rewritten) %}
  {% endif %}

  {% set should_revoke = should_revoke(target_relation_exists, full_refresh_mode) %}
  {% do apply_grants(target_relation, grant_config, should_revoke) %}
  {% do persist_docs(target_relation, model) %}

  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {{ adapter.commit() }}

  {% if staging_table is defined %}
      {% do post_snapshot(staging_table) %}
  {% endif %}

  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({'relations': [target_relation]}) }}

{% endmaterialization %}
