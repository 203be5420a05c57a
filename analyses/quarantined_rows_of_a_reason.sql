-- The quarantined order lines of one reason with their raw values, to fix them at the source:
-- dbt compile --select quarantined_rows_of_a_reason --vars '{reason: unknown_currency}', then run
-- the SQL in target/compiled/. rpt_quarantine_overview counts every reason.
with

quarantine_order_lines as (
    select * from {{ ref('quarantine_order_lines') }}
)

select *
from quarantine_order_lines
where quarantine_reason = '{{ var("reason", "unknown_status") }}'
