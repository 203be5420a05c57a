{#- One row per raw table of the contract: its rows, and those its loader marks deleted (var
    segments_raw_deleted_column), for rpt_source_reconciliation. An optional table the warehouse
    does not have counts 0 rows. -#}
{%- set tables = var('segments_raw_contract').keys() | list -%}

with

{% for table_name in tables %}
    {%- set is_deleted = segments.raw_is_deleted(table_name) %}
    {{ table_name }}_counts as (
        select
            '{{ table_name }}' as source_table,
            count(*) as raw_rows,
            {% if is_deleted is not none -%}
                coalesce(sum(case when {{ is_deleted }} then 1 else 0 end), 0)
            {%- else -%}
                0
            {%- endif %} as deleted_rows
        {% if segments.raw_table_is_absent(table_name) -%}
            from (select 1 as no_rows) as absent_table
            where 1 = 0
        {%- else -%}
            from {{ segments.raw_input(table_name) }}
        {%- endif %}
    ),
{% endfor %}

row_counts as (
    {% for table_name in tables -%}
        select * from {{ table_name }}_counts
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from row_counts
