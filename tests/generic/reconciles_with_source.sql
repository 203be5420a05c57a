{#- Nothing is lost between a raw table and staging: every raw row is either staged, quarantined,
    or an extra copy of an exact duplicate that was collapsed. Both models carry a
    `collapsed_duplicates` column counting the extra copies behind each of their rows.
    Returns one row (the counts) when raw != staged + quarantined + collapsed. -#}
{% test reconciles_with_source(model, source_name, source_table, quarantine_model) %}

with

raw_rows as (
    select count(*) as row_count from {{ source(source_name, source_table) }}
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
        staged_rows.collapsed_duplicates + quarantined_rows.collapsed_duplicates as collapsed_duplicates
    from raw_rows
    cross join staged_rows
    cross join quarantined_rows
)

select * from reconciliation
where raw_rows != staged_rows + quarantined_rows + collapsed_duplicates

{% endtest %}
