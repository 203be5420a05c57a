{% macro parse_timestamp_utc(column) -%}
    {{ return(adapter.dispatch('parse_timestamp_utc', 'segments')(column)) }}
{%- endmacro %}

{#- Text -> timestamp without time zone, in UTC; NULL when the text is not a valid ISO 8601
    timestamp. Every variant first checks the shape (is_iso_timestamp), then casts. A value with an
    offset ('2024-03-05T14:22:10+02:00') is an instant, converted to UTC; a value without one (or a
    date) is a wall-clock time in var segments_source_time_zone (default UTC), whatever zone the
    database connection has (a typed raw column without zone has already been read in that zone
    and written with 'Z' by raw_value_as_text). -#}
{% macro default__parse_timestamp_utc(column) -%}
    case
        when {{ segments.is_iso_timestamp(column) }} and {{ segments.has_utc_offset(column) }}
            then cast({{ segments.try_cast(column, 'timestamp with time zone') }} at time zone 'UTC' as {{ dbt.type_timestamp() }})
        when {{ segments.is_iso_timestamp(column) }}
            then cast(
                cast({{ segments.try_cast(column, 'timestamp with time zone') }} as {{ dbt.type_timestamp() }})
                at time zone '{{ segments.source_zone_name() }}' at time zone 'UTC' as {{ dbt.type_timestamp() }}
            )
    end
{%- endmacro %}

{% macro duckdb__parse_timestamp_utc(column) -%}
    case
        when {{ segments.is_iso_timestamp(column) }} and {{ segments.has_utc_offset(column) }}
            then timezone('UTC', try_cast({{ column }} as timestamptz))
        when {{ segments.is_iso_timestamp(column) }}
            then timezone('UTC', timezone('{{ segments.source_zone_name() }}', try_cast({{ column }} as timestamp)))
    end
{%- endmacro %}

{#- Spark: the session time zone is UTC (profile), and its timestamp type converts offsets to it;
    a wall-clock time is moved from the source time zone to UTC. -#}
{% macro spark__parse_timestamp_utc(column) -%}
    case
        when {{ segments.is_iso_timestamp(column) }} and {{ segments.has_utc_offset(column) }}
            then try_cast(trim({{ column }}) as timestamp)
        when {{ segments.is_iso_timestamp(column) }}
            then to_utc_timestamp(try_cast(trim({{ column }}) as timestamp), '{{ segments.source_zone_name() }}')
    end
{%- endmacro %}
