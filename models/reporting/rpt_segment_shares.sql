{#- Per segment dimension and label: its share of the contacts, of the customers and of the
    revenue of its dimension (segment_kpis), what the report's segment tables print. -#}
with

segment_kpis as (
    select * from {{ ref('segment_kpis') }}
),

shares as (
    select
        segment_dimension,
        label,
        contacts,
        customers,
        revenue_amount,
        {{ segments.ratio('contacts', 'sum(contacts) over (partition by segment_dimension)') }} as contact_share,
        {{ segments.ratio('customers', 'sum(customers) over (partition by segment_dimension)') }} as customer_share,
        revenue_share
    from segment_kpis
)

select * from shares
