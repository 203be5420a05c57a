{#- A raw value of the given kind (raw_column_kind) as the text the staging parsers accept, so a
    typed column goes through exactly the checks a text one does: a number as its digits (a decimal
    exactly, a double as its shortest text, 'nan' and 'inf' are then unparseable), a boolean as
    'true'/'false', a time as ISO 8601 in UTC ('2024-03-05T12:22:10Z', with a fraction only when it
    has one). A time outside years 0001-9999 (infinity, BC) keeps the engine's own text, which
    parse_timestamp_utc refuses. A text column is returned as it is: the text path compiles to what
    it always did. Only the time conversion and its formatting differ by engine. -#}
{% macro raw_value_as_text(column, kind) -%}
    {%- if kind in ['timestamptz', 'timestamp', 'date'] -%}
        {%- set utc = segments.raw_time_in_utc(column, kind) -%}
        case
            when {{ utc }} between timestamp '0001-01-01 00:00:00' and timestamp '9999-12-31 23:59:59.999999'
                then {{ dbt.concat([
                    segments.utc_time_text(utc, 'seconds'),
                    "case when " ~ segments.utc_time_text(utc, 'microseconds') ~ " != '000000' then "
                        ~ dbt.concat(["'.'", segments.utc_time_text(utc, 'microseconds')]) ~ " else '' end",
                    "'Z'",
                ]) }}
            else cast({{ column }} as {{ dbt.type_string() }})
        end
    {%- elif kind in [none, 'text'] -%}
        {{ column }}
    {%- elif kind == 'boolean' -%}
        case when {{ column }} then 'true' when not {{ column }} then 'false' end
    {%- else -%}
        cast({{ column }} as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}
