{#- Nothing is lost between a raw table and staging: every raw row is either staged, quarantined,
    an extra copy of an exact duplicate that was collapsed, or marked deleted by the loader (var
    segments_raw_deleted_column, see raw_is_deleted: such rows leave staging before any check). The raw
    table is what staging reads (raw_input: with source presets, their union). Both models
    carry a `collapsed_duplicates` column counting the extra copies behind each of their rows.
    Returns one row (the counts) when raw != staged + quarantined + collapsed + deleted. -#}
{% test reconciles_with_source(model, source_table, quarantine_model) %}
{%- set is_deleted = segments.raw_is_deleted(source_table) -%}

with

raw_rows as (
    select
        count(*) as row_count,
        {%- if is_deleted is not none %}
        coalesce(sum(case when {{ is_deleted }} then 1 else 0 end), 0) as deleted_rows
        {%- else %}
        0 as deleted_rows
        {%- endif %}
    {%- if segments.raw_table_is_absent(source_table) %}
    from (select 1 as no_rows) as absent_table
    where 1 = 0
    {%- else %}
    from {{ segments.raw_input(source_table) }}
    {%- endif %}
),

staged_rows as (
    select
        count(*) as row_count,
        coalesce(sum(collapsed_duplicates), 0) as collapsed_duplicates
    from {{ model }}
),

quarantined_rows as (
    select
        count(*) as row_count,
        coalesce(sum(collapsed_duplicates), 0) as collapsed_duplicates
    from {{ quarantine_model }}
),

reconciliation as (
    select
        raw_rows.row_count as raw_rows,
        staged_rows.row_count as staged_rows,
        quarantined_rows.row_count as quarantined_rows,
        staged_rows.collapsed_duplicates + quarantined_rows.collapsed_duplicates as collapsed_duplicates,
        raw_rows.deleted_rows
    from raw_rows
    cross join staged_rows
    cross join quarantined_rows
)

select * from reconciliation
where raw_rows != staged_rows + quarantined_rows + collapsed_duplicates + deleted_rows

{% endtest %}
