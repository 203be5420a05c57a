{% macro raw_time_in_utc(column, kind) -%}
    {{ return(adapter.dispatch('raw_time_in_utc', 'segments')(column, kind)) }}
{%- endmacro %}

{#- A raw time of kind timestamptz, timestamp or date as a UTC timestamp without zone. An instant
    is converted to UTC; a timestamp without zone or a date is read in the var
    segments_source_time_zone first, never in the connection's zone. PostgreSQL. -#}
{% macro default__raw_time_in_utc(column, kind) -%}
    {%- set zone = segments.source_zone_name() -%}
    {{ return({
        'timestamptz': "(" ~ column ~ " at time zone 'UTC')",
        'timestamp': "((" ~ column ~ " at time zone '" ~ zone ~ "') at time zone 'UTC')",
        'date': "((cast(" ~ column ~ " as timestamp) at time zone '" ~ zone ~ "') at time zone 'UTC')",
    }[kind]) }}
{%- endmacro %}

{% macro duckdb__raw_time_in_utc(column, kind) -%}
    {%- set zone = segments.source_zone_name() -%}
    {{ return({
        'timestamptz': "timezone('UTC', " ~ column ~ ")",
        'timestamp': "timezone('UTC', timezone('" ~ zone ~ "', " ~ column ~ "))",
        'date': "timezone('UTC', timezone('" ~ zone ~ "', cast(" ~ column ~ " as timestamp)))",
    }[kind]) }}
{%- endmacro %}

{#- Spark's TIMESTAMP is an instant shown in the session zone; TIMESTAMP_NTZ a wall-clock time. -#}
{% macro spark__raw_time_in_utc(column, kind) -%}
    {%- set zone = segments.source_zone_name() -%}
    {{ return({
        'timestamptz': "convert_timezone(current_timezone(), 'UTC', cast(" ~ column ~ " as timestamp_ntz))",
        'timestamp': "convert_timezone('" ~ zone ~ "', 'UTC', " ~ column ~ ")",
        'date': "convert_timezone('" ~ zone ~ "', 'UTC', cast(" ~ column ~ " as timestamp_ntz))",
    }[kind]) }}
{%- endmacro %}
