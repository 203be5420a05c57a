{#- One row per contact per audience. An audience (seeds audiences, audience_rules) keeps a contact
    when, on every dimension it names, the contact's label is one of the audience's labels (labels
    of one dimension are alternatives; dimensions are all required); optionally only reachable
    contacts (email, opted in, not unsubscribed) not emailed within the last N days. A member is in
    the audience's holdout (is_holdout: never exported, the control group of campaign_results) when
    hash_bucket(salt|audience_name|contact_id), a number 0..65535 fixed by the key, is below
    holdout_share x 65536: the same contacts on every run and every engine, whatever the others. -#}
{%- set salt = var('segments_holdout_salt') | string | replace("'", "''") -%}

with

contact_segments as (
    select * from {{ ref('contact_segments') }}
),

audiences as (
    select * from {{ ref('audiences') }}
),

audience_rules as (
    select * from {{ ref('audience_rules') }}
),

contact_engagement_facts as (
    select * from {{ ref('int_contact_engagement_facts') }}
),

contact_labels as (
    {{ segments.unpivot_segment_labels('contact_segments') }}
),

dimensions_per_audience as (
    select
        audience_name,
        count(distinct segment_dimension) as required_dimensions
    from audience_rules
    group by audience_name
),

matched_dimensions as (
    select
        audience_rules.audience_name,
        contact_labels.contact_id,
        count(distinct audience_rules.segment_dimension) as matched_dimensions
    from audience_rules
    inner join contact_labels
        on
            audience_rules.segment_dimension = contact_labels.segment_dimension
            and audience_rules.label = contact_labels.label
    group by audience_rules.audience_name, contact_labels.contact_id
),

members as (
    select
        matched_dimensions.audience_name,
        matched_dimensions.contact_id,
        contact_segments.email,
        contact_segments.is_email_reachable,
        audiences.holdout_share,
        contact_segments.as_of_date
    from matched_dimensions
    inner join dimensions_per_audience
        on matched_dimensions.audience_name = dimensions_per_audience.audience_name
    inner join audiences
        on matched_dimensions.audience_name = audiences.audience_name
    inner join contact_segments
        on matched_dimensions.contact_id = contact_segments.contact_id
    left join contact_engagement_facts
        on matched_dimensions.contact_id = contact_engagement_facts.contact_id
    where
        matched_dimensions.matched_dimensions = dimensions_per_audience.required_dimensions
        and (not audiences.reachable_only or contact_segments.is_email_reachable)
        and (
            audiences.not_contacted_within_days is null
            or contact_engagement_facts.last_email_sent_at is null
            or {{ segments.days_between('cast(contact_engagement_facts.last_email_sent_at as date)', segments.as_of_date()) }}  -- noqa: LT05
            > audiences.not_contacted_within_days
        )
),

members_with_holdout as (
    select
        audience_name,
        contact_id,
        email,
        is_email_reachable,
        coalesce(
            {{ segments.hash_bucket(dbt.concat(["'" ~ salt ~ "|'", 'audience_name', "'|'", 'contact_id'])) }}
            < coalesce(holdout_share, 0) * 65536,
            false
        ) as is_holdout,
        as_of_date
    from members
)

select * from members_with_holdout
