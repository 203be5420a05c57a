{#- The Pareto boundary rule, for every cut-off: the tiers up to and including tier i together hold
    at least cut-off i of the total measure, and without that tier's smallest tie group (the
    rows sharing its lowest measure) they would hold less. So a tier takes exactly the rows it needs
    to reach its cut-off, ties together (an empty tier only needs the first half). Defaults: vars segments_abc_cutoffs and segments_abc_labels.
    Returns each tier that breaks the rule, with the shares. -#}
{% test abc_boundary(model, column_name, measure, cutoffs=none, labels=none) %}
{%- set cuts = cutoffs if cutoffs is not none else var('segments_abc_cutoffs') -%}
{%- set names = labels if labels is not none else var('segments_abc_labels') -%}

with

totals as (
    select sum({{ measure }}) as total_measure from {{ model }}
),

tiers as (
    {%- for cut in cuts %}
    select
        '{{ names[loop.index0] }}' as tier,
        {{ cut }} as cutoff,
        (select sum({{ measure }}) from {{ model }} where {{ column_name }} in (
            {%- for name in names[:loop.index] %}'{{ name }}'{{ ',' if not loop.last }}{% endfor -%}
        )) as measure_up_to_tier,
        (select min({{ measure }}) from {{ model }} where {{ column_name }} = '{{ names[loop.index0] }}')
        as smallest_in_tier
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

smallest_tie_groups as (
    select
        tiers.tier,
        tiers.cutoff,
        tiers.measure_up_to_tier,
        tiers.smallest_in_tier,
        coalesce(sum(measured.{{ measure }}), 0) as smallest_tie_group_measure
    from tiers
    left join {{ model }} as measured
        on
            measured.{{ column_name }} = tiers.tier
            and measured.{{ measure }} = tiers.smallest_in_tier
    group by tiers.tier, tiers.cutoff, tiers.measure_up_to_tier, tiers.smallest_in_tier
),

shares as (
    select
        smallest_tie_groups.tier,
        smallest_tie_groups.cutoff,
        smallest_tie_groups.smallest_in_tier,
        smallest_tie_groups.measure_up_to_tier / totals.total_measure as share_up_to_tier,
        (smallest_tie_groups.measure_up_to_tier - smallest_tie_groups.smallest_tie_group_measure)
        / totals.total_measure as share_without_smallest_tie_group
    from smallest_tie_groups
    cross join totals
    where
        totals.total_measure > 0
        and smallest_tie_groups.measure_up_to_tier is not null
)

select * from shares
where
    share_up_to_tier < cutoff
    or (smallest_in_tier is not null and share_without_smallest_tie_group >= cutoff)

{% endtest %}
