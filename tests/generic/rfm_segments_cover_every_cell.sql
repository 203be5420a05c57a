{#- Every possible RFM cell (each of r, f, m in 1..bins) matches exactly one row of the segment
    mapping (score ranges, bounds inclusive). Returns each cell with no segment or with several.
    bins defaults to var segments_rfm_bins. -#}
{% test rfm_segments_cover_every_cell(model, bins=none) %}

with

scores as (
    {{ segments.score_series(bins=bins, column_name='score') }}
),

cells as (
    select
        r_scores.score as r_score,
        f_scores.score as f_score,
        m_scores.score as m_score
    from scores as r_scores
    cross join scores as f_scores
    cross join scores as m_scores
),

matches as (
    select
        cells.r_score,
        cells.f_score,
        cells.m_score,
        count(segments_map.rfm_segment) as matching_segments
    from cells
    left join {{ model }} as segments_map
        on
            cells.r_score between segments_map.r_score_min and segments_map.r_score_max
            and cells.f_score between segments_map.f_score_min and segments_map.f_score_max
            and cells.m_score between segments_map.m_score_min and segments_map.m_score_max
    group by cells.r_score, cells.f_score, cells.m_score
)

select * from matches
where matching_segments != 1

{% endtest %}
