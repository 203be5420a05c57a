{#- A query with one row per contact and segment dimension: (contact_id, segment_dimension, label),
    from a relation with one label column per dimension (contact_segments). -#}
{% macro unpivot_segment_labels(relation, dimensions=none) -%}
    {%- set columns = dimensions if dimensions is not none else segments.segment_dimensions() -%}
    {%- for dimension in columns %}
    select
        contact_id,
        '{{ dimension }}' as segment_dimension,
        {{ dimension }} as label
    from {{ relation }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
