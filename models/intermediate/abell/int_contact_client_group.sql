with

contacts as (
    select * from {{ ref('int_contacts') }}
),

client_group_rules as (
    select * from {{ ref('abell_client_groups') }}
),

matching_rules as (
    -- Every rule a contact satisfies; an empty condition matches anything.
    select
        contacts.contact_id,
        client_group_rules.rule_id,
        client_group_rules.priority,
        client_group_rules.client_group
    from contacts
    inner join client_group_rules
        on
            (
                client_group_rules.job_title_pattern is null
                or lower(contacts.job_title) like lower(client_group_rules.job_title_pattern)
            )
            and (
                client_group_rules.industry is null
                or lower(contacts.industry) = lower(client_group_rules.industry)
            )
            and (
                client_group_rules.company_size_min is null
                or contacts.company_size >= client_group_rules.company_size_min
            )
            and (
                client_group_rules.company_size_max is null
                or contacts.company_size <= client_group_rules.company_size_max
            )
            and (
                client_group_rules.country is null
                or upper(contacts.country) = upper(client_group_rules.country)
            )
            and (
                client_group_rules.acquisition_channel is null
                or contacts.acquisition_channel = lower(client_group_rules.acquisition_channel)
            )
),

ranked_rules as (
    select
        contact_id,
        rule_id,
        client_group,
        row_number() over (partition by contact_id order by priority asc, rule_id asc) as rule_rank
    from matching_rules
),

classified as (
    -- The first matching rule by priority wins; a contact no rule matches is unclassified, never dropped.
    select
        contacts.contact_id,
        coalesce(ranked_rules.client_group, 'unclassified') as client_group,
        ranked_rules.rule_id as client_group_rule_id
    from contacts
    left join ranked_rules
        on
            contacts.contact_id = ranked_rules.contact_id
            and ranked_rules.rule_rank = 1
)

select * from classified
