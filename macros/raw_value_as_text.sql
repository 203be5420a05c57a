{% macro raw_value_as_text(column, kind) -%}
    {{ return(adapter.dispatch('raw_value_as_text', 'segments')(column, kind)) }}
{%- endmacro %}

{#- A raw value of the given kind (raw_column_kind) as the text the staging parsers accept, so a
    typed column goes through exactly the checks a text one does: a number as its digits (a decimal
    exactly, a double as its shortest text, 'nan' and 'inf' are then unparseable), a boolean as
    'true'/'false', a time as ISO 8601 in UTC ('2024-03-05T12:22:10Z', with a fraction only when it
    has one). An instant (timestamptz) is converted to UTC; a timestamp without zone or a date is
    read in the var segments_source_time_zone first, never in the connection's zone. A time outside years
    0001-9999 (infinity, BC) keeps the engine's own text, which parse_timestamp_utc refuses. A text
    column is returned as it is: the text path compiles to what it always did. PostgreSQL. -#}
{% macro default__raw_value_as_text(column, kind) -%}
    {%- if kind in ['timestamptz', 'timestamp', 'date'] -%}
        {%- set zone = segments.source_zone_name() -%}
        {%- set utc = {
            'timestamptz': "(" ~ column ~ " at time zone 'UTC')",
            'timestamp': "((" ~ column ~ " at time zone '" ~ zone ~ "') at time zone 'UTC')",
            'date': "((cast(" ~ column ~ " as timestamp) at time zone '" ~ zone ~ "') at time zone 'UTC')",
        }[kind] -%}
        case
            when {{ utc }} between timestamp '0001-01-01 00:00:00' and timestamp '9999-12-31 23:59:59.999999'
                then to_char({{ utc }}, 'YYYY-MM-DD"T"HH24:MI:SS')
                    || case when to_char({{ utc }}, 'US') != '000000' then '.' || to_char({{ utc }}, 'US') else '' end
                    || 'Z'
            else cast({{ column }} as {{ dbt.type_string() }})
        end
    {%- else -%}
        {{ segments.raw_scalar_as_text(column, kind) }}
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__raw_value_as_text(column, kind) -%}
    {%- if kind in ['timestamptz', 'timestamp', 'date'] -%}
        {%- set zone = segments.source_zone_name() -%}
        {%- set utc = {
            'timestamptz': "timezone('UTC', " ~ column ~ ")",
            'timestamp': "timezone('UTC', timezone('" ~ zone ~ "', " ~ column ~ "))",
            'date': "timezone('UTC', timezone('" ~ zone ~ "', cast(" ~ column ~ " as timestamp)))",
        }[kind] -%}
        case
            when {{ utc }} between timestamp '0001-01-01 00:00:00' and timestamp '9999-12-31 23:59:59.999999'
                then strftime({{ utc }}, '%Y-%m-%dT%H:%M:%S')
                    || case when strftime({{ utc }}, '%f') != '000000' then '.' || strftime({{ utc }}, '%f') else '' end
                    || 'Z'
            else cast({{ column }} as {{ dbt.type_string() }})
        end
    {%- else -%}
        {{ segments.raw_scalar_as_text(column, kind) }}
    {%- endif -%}
{%- endmacro %}

{#- Spark timestamps stop at year 9999 and have no infinity. -#}
{% macro spark__raw_value_as_text(column, kind) -%}
    {%- if kind in ['timestamptz', 'timestamp', 'date'] -%}
        {%- set zone = segments.source_zone_name() -%}
        {%- set utc = {
            'timestamptz': "convert_timezone(current_timezone(), 'UTC', cast(" ~ column ~ " as timestamp_ntz))",
            'timestamp': "convert_timezone('" ~ zone ~ "', 'UTC', " ~ column ~ ")",
            'date': "convert_timezone('" ~ zone ~ "', 'UTC', cast(" ~ column ~ " as timestamp_ntz))",
        }[kind] -%}
        concat(
            date_format({{ utc }}, "yyyy-MM-dd'T'HH:mm:ss"),
            case when date_format({{ utc }}, 'SSSSSS') != '000000' then concat('.', date_format({{ utc }}, 'SSSSSS')) else '' end,
            'Z'
        )
    {%- else -%}
        {{ segments.raw_scalar_as_text(column, kind) }}
    {%- endif -%}
{%- endmacro %}
