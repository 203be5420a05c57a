{#- A Pareto tier label. For each row, higher_share = the measure of rows with a strictly greater
    measure / the total measure; the first label whose cut-off is above higher_share wins, the last
    label takes the rest. So the row that crosses a cut-off belongs to the higher tier, and equal
    measures always share a tier. Defaults: vars segments_abc_cutoffs and segments_abc_labels. -#}
{% macro cumulative_share_tier(measure, cutoffs=none, labels=none, partition_by=none) -%}
    {%- set cuts = cutoffs if cutoffs is not none else var('segments_abc_cutoffs') -%}
    {%- set names = labels if labels is not none else var('segments_abc_labels') -%}
    {%- if names | length != cuts | length + 1 -%}
        {{ exceptions.raise_compiler_error("cumulative_share_tier: need one label more than cut-offs, got " ~ names | length ~ " labels for " ~ cuts | length ~ " cut-offs") }}
    {%- endif -%}
    case
        {%- for cut in cuts %}
        when {{ segments.higher_share(measure, partition_by) }} < {{ cut }} then '{{ names[loop.index0] }}'
        {%- endfor %}
        else '{{ names[-1] }}'
    end
{%- endmacro %}
