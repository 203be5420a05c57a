-- A host model on top of the package's public mart.
select
    lifecycle_stage,
    count(*) as contacts
from {{ ref('segments', 'contact_segments') }}
where is_email_reachable
group by lifecycle_stage
