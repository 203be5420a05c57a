{#- The build log <target schema>.segments_build_log, one row per phase of every dbt run or build
    that selects a mart: 'started' at on-run-start, then 'succeeded' or 'failed' at on-run-end
    (failed when any node errored, failed or was skipped). A run killed midway leaves its
    'started' row alone. The CLI reads the latest run before it reads the marts: summary, report
    and export refuse marts of a run that failed or did not finish. Append-only (no update), so
    every engine can keep it; returns no SQL: the statements run here, one at a time. Standalone
    only (this project's profile, as the schemas in dbt_project.yml tell): a host project that
    installs the package gets no table of it. -#}
{% macro record_build(phase, results=none) -%}
    {%- if execute and flags.WHICH in ['build', 'run'] and target.profile_name == 'segments' -%}
        {%- set marts = [] -%}
        {%- for unique_id in selected_resources -%}
            {%- set node = graph.nodes.get(unique_id) -%}
            {%- if node and node.resource_type == 'model' and 'marts' in node.fqn -%}
                {%- do marts.append(unique_id) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if marts -%}
            {%- set log_table = adapter.quote(target.schema) ~ '.segments_build_log' -%}
            {%- set failed = [] -%}
            {%- for result in results or [] -%}
                {%- if result.status in ['error', 'fail', 'skipped', 'runtime error'] -%}
                    {%- do failed.append(result.node.unique_id) -%}
                {%- endif -%}
            {%- endfor -%}
            {%- if phase == 'start' -%}
                {%- set state = 'started' -%}
                {%- set moment = run_started_at -%}
            {%- else -%}
                {%- set state = 'failed' if failed else 'succeeded' -%}
                {%- set moment = modules.datetime.datetime.now(modules.pytz.utc) -%}
            {%- endif -%}
            {%- do run_query(
                'create table if not exists ' ~ log_table ~ ' (invocation_id ' ~ dbt.type_string()
                ~ ', phase ' ~ dbt.type_string() ~ ', as_of_date date, recorded_at '
                ~ dbt.type_timestamp() ~ ', marts ' ~ dbt.type_int() ~ ', failed_nodes '
                ~ dbt.type_int() ~ ')' ~ segments.table_format_clause()
            ) -%}
            {%- do run_query(
                'insert into ' ~ log_table ~ " values ('" ~ invocation_id ~ "', '" ~ state ~ "', "
                ~ segments.as_of_date() ~ ", cast('" ~ moment.strftime('%Y-%m-%d %H:%M:%S.%f')
                ~ "' as " ~ dbt.type_timestamp() ~ '), ' ~ marts | length ~ ', ' ~ failed | length ~ ')'
            ) -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
