{#- MetricFlow's day time spine (configured with time_spine: in _semantic__models.yml): one row per
    day of the hundred years up to as_of_date, far wider than any order or contact history, so
    metric_time can span every date a metric may be grouped by. The series is the project's portable
    integer_series and the date arithmetic dbt's dateadd: no engine's own date-spine syntax. -#}
{%- set spine_days = 36525 -%}

with

day_offsets as (
    {{ segments.integer_series(spine_days) }}
),

days as (
    select
        cast(
            {{ dbt.dateadd('day', '0 - day_offsets.series_index', segments.as_of_date()) }} as date
        ) as date_day
    from day_offsets
)

select * from days
