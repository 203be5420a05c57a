{{ config(enabled=segments.preset_is_on('hubspot')) }}
{#- One row per HubSpot interaction, in the contract's interactions columns: the mapped email
    events (stg_hubspot__email_events) of the contact carrying the recipient's address (or, when
    no contact does, of 'hubspot:recipient:<address>'), calls (call, phone) and meetings (meeting,
    event) of each associated contact, and form submissions (form_submit, web). Notes, tasks and
    logged emails are left out. Activity of a merged-away contact counts for the contact it was
    merged into. -#}
{%- set timestamp_column = adapter.quote('timestamp') -%}
{#- columns a connector may not write (v1 or v3 API): null when absent -#}
{%- set optional_columns = {
    'engagement': [(timestamp_column, 'timestamp', dbt.type_timestamp())],
    'engagement_call': [('property_hs_timestamp', 'property_hs_timestamp', dbt.type_timestamp()),
                        ('property_hs_call_title', 'property_hs_call_title', dbt.type_string())],
    'engagement_meeting': [('property_hs_timestamp', 'property_hs_timestamp', dbt.type_timestamp()),
                           ('property_hs_meeting_title', 'property_hs_meeting_title', dbt.type_string())],
} -%}
{%- set optional = {} -%}
{%- for table, candidates in optional_columns.items() -%}
    {%- set present = [] -%}
    {%- if execute -%}
        {%- set present = adapter.get_columns_in_relation(source('hubspot', table))
            | map(attribute='name') | map('lower') | list -%}
    {%- endif -%}
    {%- for expression, name, type in candidates -%}
        {%- do optional.update({table ~ '.' ~ name:
            expression if name in present else 'cast(null as ' ~ type ~ ')'}) -%}
    {%- endfor -%}
{%- endfor %}

with

email_events as (
    select * from {{ ref('stg_hubspot__email_events') }}
),

contacts as (
    select * from {{ ref('stg_hubspot__contacts') }}
),

contact_merges as (
    select * from {{ ref('stg_hubspot__contact_merges') }}
),

engagements as (
    select
        id,
        {{ optional['engagement.timestamp'] }} as engagement_occurred_at
    from {{ source('hubspot', 'engagement') }}
),

engagement_contacts as (
    select * from {{ source('hubspot', 'engagement_contact') }}
),

engagement_calls as (
    select * from {{ source('hubspot', 'engagement_call') }}
),

engagement_meetings as (
    select * from {{ source('hubspot', 'engagement_meeting') }}
),

form_submissions as (
    select * from {{ source('hubspot', 'contact_form_submission') }}
),

address_owners as (
    -- the contact of each address (the lowest key when several carry it)
    select
        email,
        min(contact_id) as contact_id
    from contacts
    where email is not null
    group by email
),

email_interactions as (
    select
        {{ dbt.concat(["'hubspot:email_event:'", 'email_events.event_id']) }} as interaction_id,
        coalesce(
            address_owners.contact_id,
            {{ dbt.concat(["'hubspot:recipient:'", 'email_events.recipient_email']) }}
        ) as contact_id,
        email_events.occurred_at,
        'email' as channel,
        email_events.interaction_type,
        cast(null as {{ dbt.type_string() }}) as topic,
        {{ dbt.concat(["'hubspot:'", 'email_events.email_campaign_id']) }} as campaign_id
    from email_events
    left join address_owners
        on email_events.recipient_email = address_owners.email
),

calls_and_meetings as (
    select
        engagement_id,
        {{ optional['engagement_call.property_hs_timestamp'] }} as occurred_at,
        {{ optional['engagement_call.property_hs_call_title'] }} as topic,
        'call' as interaction_type,
        'phone' as channel
    from engagement_calls
    where not coalesce(_fivetran_deleted, false)
    union all
    select
        engagement_id,
        {{ optional['engagement_meeting.property_hs_timestamp'] }} as occurred_at,
        {{ optional['engagement_meeting.property_hs_meeting_title'] }} as topic,
        'meeting' as interaction_type,
        'event' as channel
    from engagement_meetings
    where not coalesce(_fivetran_deleted, false)
),

engagement_interactions as (
    select distinct
        {{ dbt.concat([
            "'hubspot:engagement:'",
            'cast(calls_and_meetings.engagement_id as ' ~ dbt.type_string() ~ ')',
            "':'",
            "coalesce(contact_merges.canonical_vid, cast(engagement_contacts.contact_id as " ~ dbt.type_string() ~ "))",
        ]) }} as interaction_id,
        {{ dbt.concat([
            "'hubspot:'",
            "coalesce(contact_merges.canonical_vid, cast(engagement_contacts.contact_id as " ~ dbt.type_string() ~ "))",
        ]) }} as contact_id,
        coalesce(
            calls_and_meetings.occurred_at,
            engagements.engagement_occurred_at
        ) as occurred_at,
        calls_and_meetings.channel,
        calls_and_meetings.interaction_type,
        calls_and_meetings.topic,
        cast(null as {{ dbt.type_string() }}) as campaign_id
    from calls_and_meetings
    inner join engagement_contacts
        on calls_and_meetings.engagement_id = engagement_contacts.engagement_id
    left join engagements
        on calls_and_meetings.engagement_id = engagements.id
    left join contact_merges
        on cast(engagement_contacts.contact_id as {{ dbt.type_string() }}) = contact_merges.merged_vid
),

form_interactions as (
    select
        {{ dbt.concat([
            "'hubspot:form_submission:'",
            'cast(form_submissions.conversion_id as ' ~ dbt.type_string() ~ ')',
        ]) }} as interaction_id,
        {{ dbt.concat([
            "'hubspot:'",
            "coalesce(contact_merges.canonical_vid, cast(form_submissions.contact_id as " ~ dbt.type_string() ~ "))",
        ]) }} as contact_id,
        form_submissions.{{ timestamp_column }} as occurred_at,
        'web' as channel,
        'form_submit' as interaction_type,
        form_submissions.title as topic,
        cast(null as {{ dbt.type_string() }}) as campaign_id
    from form_submissions
    left join contact_merges
        on cast(form_submissions.contact_id as {{ dbt.type_string() }}) = contact_merges.merged_vid
),

interactions as (
    select * from email_interactions
    union all
    select * from engagement_interactions
    union all
    select * from form_interactions
)

select
    interaction_id,
    contact_id,
    occurred_at,
    channel,
    interaction_type,
    topic,
    campaign_id,
    cast(null as {{ dbt.type_bigint() }}) as rating
from interactions
