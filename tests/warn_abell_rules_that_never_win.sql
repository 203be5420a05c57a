-- Client-group rules that classify no contact on this data: reachable in theory, dead in practice
-- (a misspelt pattern, a band nobody falls in). A warning, for the user to review the seed.
{{ config(severity='warn') }}

with

client_group_rules as (
    select * from {{ ref('abell_client_groups') }}
),

contact_abell as (
    select * from {{ ref('contact_abell') }}
),

rule_usage as (
    select
        client_group_rules.rule_id,
        client_group_rules.client_group,
        count(contact_abell.contact_id) as contacts_classified
    from client_group_rules
    left join contact_abell
        on client_group_rules.rule_id = contact_abell.client_group_rule_id
    group by client_group_rules.rule_id, client_group_rules.client_group
)

select * from rule_usage
where contacts_classified = 0
