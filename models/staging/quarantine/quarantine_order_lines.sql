with

checked_order_lines as (
    select * from {{ ref('stg_order_lines__checked') }}
),

quarantined as (
    select
        {{ segments.row_fingerprint([
            'raw_order_id',
            'raw_line_number',
            'raw_contact_id',
            'raw_ordered_at',
            'raw_status',
            'raw_product_id',
            'raw_product_category',
            'raw_quantity',
            'raw_unit_price',
            'raw_discount_amount',
            'raw_currency',
        ]) }} as quarantine_row_id,
        'orders' as source_table,
        {{ dbt.concat(["coalesce(raw_order_id, '')", "'#'", "coalesce(raw_line_number, '')"]) }} as record_key,
        quarantine_reason,
        collapsed_duplicates,
        raw_order_id as order_id,
        raw_line_number as line_number,
        raw_contact_id as contact_id,
        raw_ordered_at as ordered_at,
        raw_status as status,
        raw_product_id as product_id,
        raw_product_category as product_category,
        raw_quantity as quantity,
        raw_unit_price as unit_price,
        raw_discount_amount as discount_amount,
        raw_currency as currency
    from checked_order_lines
    where quarantine_reason is not null
)

select * from quarantined
