-- The host's own dim_contacts: the same name as one of the package's marts.
select
    'host' as contact_source,
    1 as contacts
