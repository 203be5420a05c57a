{#- The settings the marts were built with: each var as this build resolved it (dbt_project.yml,
    --vars, a host project's `vars: segments:`), as JSON. `segments validate` checks the marts
    against these, never against a file that may differ from what ran. -#}
{%- set names = [
    'segments_as_of_date', 'segments_reporting_currency', 'segments_rfm_bins', 'segments_rfm_scoring_method',
    'segments_rfm_window_days', 'segments_abc_labels', 'segments_abc_cutoffs', 'segments_segment_dimensions',
] -%}

with

settings as (
    {% for name in names -%}
        select
            '{{ name }}' as setting_name,
            '{{ tojson(var(name)) | replace("'", "''") }}' as setting_value
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from settings
