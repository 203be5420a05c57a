{#- Every raw row accounted for, per raw table: raw = staged + quarantined + collapsed duplicates
    + soft-deleted (the test reconciles_with_source guards the same equation during the build), and
    of the staged rows those whose contact is unknown, which no fact reads (for refunds: those
    int_refunds_not_applied lists, which no revenue subtracts). -#}
with

source_row_counts as (
    select * from {{ ref('stg_source_row_counts') }}
),

{% for source_table, staged, quarantined, without_contact in [
    ('contacts', 'stg_contacts', 'quarantine_contacts', none),
    ('orders', 'stg_order_lines', 'quarantine_order_lines', 'int_order_lines_without_contact'),
    ('interactions', 'stg_interactions', 'quarantine_interactions', 'int_interactions_without_contact'),
    ('refunds', 'stg_refunds', 'quarantine_refunds', 'int_refunds_not_applied'),
] %}
    {{ source_table }}_staged as (
        select
            '{{ source_table }}' as source_table,
            count(*) as staged_rows,
            coalesce(sum(collapsed_duplicates), 0) as collapsed_duplicates,
            {% if without_contact -%}
                (select count(*) as without_contact_rows from {{ ref(without_contact) }}) as without_contact_rows
            {%- else -%}
                0 as without_contact_rows
            {%- endif %}
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
    union all
    select * from refunds_staged
),

quarantined as (
    select * from contacts_quarantined
    union all
    select * from orders_quarantined
    union all
    select * from interactions_quarantined
    union all
    select * from refunds_quarantined
),

reconciliation as (
    select
        source_row_counts.source_table,
        source_row_counts.raw_rows,
        staged.staged_rows,
        staged.without_contact_rows,
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
