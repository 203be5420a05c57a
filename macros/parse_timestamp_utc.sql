{% macro parse_timestamp_utc(column) -%}
    {{ return(adapter.dispatch('parse_timestamp_utc', 'segments')(column)) }}
{%- endmacro %}

{#- Text -> timestamp without time zone, in UTC; NULL when the text is not a valid ISO 8601
    timestamp. Every variant first checks the shape (is_iso_timestamp), then casts. A value with an
    offset ('2024-03-05T14:22:10+02:00') is converted to UTC; a value without one is read as UTC
    (the profiles set the session time zone to UTC; a typed raw column without zone has already
    been read in var segments_source_time_zone and written with 'Z' by raw_value_as_text). -#}
{% macro default__parse_timestamp_utc(column) -%}
    case
        when {{ segments.is_iso_timestamp(column) }}
            then cast({{ segments.try_cast(column, 'timestamp with time zone') }} at time zone 'UTC' as {{ dbt.type_timestamp() }})
    end
{%- endmacro %}

{% macro duckdb__parse_timestamp_utc(column) -%}
    case
        when {{ segments.is_iso_timestamp(column) }}
            then timezone('UTC', try_cast({{ column }} as timestamptz))
    end
{%- endmacro %}

{#- Spark: the session time zone is UTC (profile), and its timestamp type converts offsets to it. -#}
{% macro spark__parse_timestamp_utc(column) -%}
    case
        when {{ segments.is_iso_timestamp(column) }}
            then try_cast(trim({{ column }}) as timestamp)
    end
{%- endmacro %}
