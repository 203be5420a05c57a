{%- set dimensions = segments.segment_dimensions() -%}

with

snapshot_versions as (
    select * from {{ ref('contact_segments_snapshot') }}
),

day_versions as (
    -- A version replaced on the day it appeared (a rebuild of the same as_of_date after the data
    -- changed) never held: the day's last build is what that day recorded.
    select *
    from snapshot_versions
    where dbt_valid_to is null or dbt_valid_to > dbt_valid_from
),

versions as (
    select
        contact_id,
        cast(dbt_valid_from as date) as changed_at,
        {% for dimension in dimensions -%}
            {{ dimension }},
            lag({{ dimension }}) over (partition by contact_id order by dbt_valid_from asc) as previous_{{ dimension }},
        {% endfor -%}
        row_number() over (partition by contact_id order by dbt_valid_from asc) as version_number
    from day_versions
),

transitions as (
    {% for dimension in dimensions %}
        select
            contact_id,
            '{{ dimension }}' as segment_dimension,
            previous_{{ dimension }} as from_label,
            {{ dimension }} as to_label,
            changed_at
        from versions
        where version_number > 1 and previous_{{ dimension }} != {{ dimension }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from transitions
