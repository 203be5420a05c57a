{#- Every raw row accounted for, per raw table: raw = staged + quarantined + collapsed duplicates
    + soft-deleted (the test reconciles_with_source guards the same equation during the build). -#}
with

source_row_counts as (
    select * from {{ ref('stg_source_row_counts') }}
),

{% for source_table, staged, quarantined in [
    ('contacts', 'stg_contacts', 'quarantine_contacts'),
    ('orders', 'stg_order_lines', 'quarantine_order_lines'),
    ('interactions', 'stg_interactions', 'quarantine_interactions'),
] %}
    {{ source_table }}_staged as (
        select
            '{{ source_table }}' as source_table,
            count(*) as staged_rows,
            coalesce(sum(collapsed_duplicates), 0) as collapsed_duplicates
        from {{ ref(staged) }}
    ),

    {{ source_table }}_quarantined as (
        select
            '{{ source_table }}' as source_table,
            count(*) as quarantined_rows,
            coalesce(sum(collapsed_duplicates), 0) as collapsed_duplicates
        from {{ ref(quarantined) }}
    ),
{% endfor %}

staged as (
    select * from contacts_staged
    union all
    select * from orders_staged
    union all
    select * from interactions_staged
),

quarantined as (
    select * from contacts_quarantined
    union all
    select * from orders_quarantined
    union all
    select * from interactions_quarantined
),

reconciliation as (
    select
        source_row_counts.source_table,
        source_row_counts.raw_rows,
        staged.staged_rows,
        quarantined.quarantined_rows,
        staged.collapsed_duplicates + quarantined.collapsed_duplicates as collapsed_duplicates,
        source_row_counts.deleted_rows,
        source_row_counts.raw_rows = staged.staged_rows + quarantined.quarantined_rows
        + staged.collapsed_duplicates + quarantined.collapsed_duplicates
        + source_row_counts.deleted_rows as is_reconciled
    from source_row_counts
    inner join staged
        on source_row_counts.source_table = staged.source_table
    inner join quarantined
        on source_row_counts.source_table = quarantined.source_table
)

select * from reconciliation
