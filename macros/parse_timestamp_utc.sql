{% macro parse_timestamp_utc(column) -%}
    {{ return(adapter.dispatch('parse_timestamp_utc', 'segments')(column)) }}
{%- endmacro %}

{#- Text -> timestamp without time zone, in UTC; NULL when the text is not a valid timestamp.
    A value with an offset ('2024-03-05T14:22:10+02:00') is converted to UTC; a value without one
    is read as UTC (the duckdb profile sets TimeZone to UTC). -#}
{% macro default__parse_timestamp_utc(column) -%}
    cast({{ segments.try_cast(column, 'timestamp with time zone') }} at time zone 'UTC' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro duckdb__parse_timestamp_utc(column) -%}
    timezone('UTC', try_cast({{ column }} as timestamptz))
{%- endmacro %}

{#- Spark: the session time zone is UTC (profile), and its timestamp type converts offsets to it.
    Its cast accepts more than ISO 8601 ('2024' alone is a timestamp), hence the shape guard. -#}
{% macro spark__parse_timestamp_utc(column) -%}
    case
        when trim({{ column }}) rlike '{{ segments.iso_timestamp_pattern() }}'
            then try_cast(trim({{ column }}) as timestamp)
    end
{%- endmacro %}
