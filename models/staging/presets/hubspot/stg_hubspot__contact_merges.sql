{{ config(enabled=segments.preset_is_on('hubspot')) }}
{#- One row per merged-away contact (vid) and the contact it now belongs to. HubSpot records a merge
    in contact_merge_audit (v1 API) and in the canonical contact's property_hs_calculated_merged_vids
    ('<vid>:<epoch ms>;...', v3 API); both are read. A chain (A into B, then B into C) resolves to
    C; a vid recorded as merged into two contacts keeps the lowest canonical vid. -#}
{%- set contact_columns = [] -%}
{%- if execute -%}
    {%- set contact_columns = adapter.get_columns_in_relation(source('hubspot', 'contact'))
        | map(attribute='name') | map('lower') | list -%}
{%- endif -%}
{%- set has_merged_vids = 'property_hs_calculated_merged_vids' in contact_columns -%}

with

contact_merge_audit as (
    select * from {{ source('hubspot', 'contact_merge_audit') }}
),

contacts as (
    select * from {{ source('hubspot', 'contact') }}
),

merge_positions as (
    -- HubSpot keeps at most 250 merges per contact
    {{ segments.integer_series(250) }}
),

calculated_merges as (
    -- the '<vid>:<epoch ms>' entries of property_hs_calculated_merged_vids, when the column exists
    select
        cast(contacts.id as {{ dbt.type_string() }}) as canonical_vid,
        {% if has_merged_vids -%}
            trim(split_part(
                split_part(contacts.property_hs_calculated_merged_vids, ';', merge_positions.series_index + 1),
                ':',
                1
            ))
        {%- else -%}
            cast(null as {{ dbt.type_string() }})
        {%- endif %} as merged_vid
    from contacts
    cross join merge_positions
    where {{ 'contacts.property_hs_calculated_merged_vids is not null' if has_merged_vids else 'false' }}
),

recorded_merges as (
    select
        cast(vid_to_merge as {{ dbt.type_string() }}) as merged_vid,
        cast(canonical_vid as {{ dbt.type_string() }}) as canonical_vid
    from contact_merge_audit
    union
    select
        merged_vid,
        canonical_vid
    from calculated_merges
    where merged_vid <> ''
),

first_merges as (
    select
        merged_vid,
        min(canonical_vid) as canonical_vid
    from recorded_merges
    where merged_vid is not null and canonical_vid is not null and merged_vid <> canonical_vid
    group by merged_vid
),

resolved_merges as (
    -- one step of a chain further: A merged into B, B merged into C -> A belongs to C
    select
        first_merges.merged_vid,
        coalesce(later_merges.canonical_vid, first_merges.canonical_vid) as canonical_vid
    from first_merges
    left join first_merges as later_merges
        on
            first_merges.canonical_vid = later_merges.merged_vid
            and first_merges.merged_vid <> later_merges.canonical_vid
)

select * from resolved_merges
