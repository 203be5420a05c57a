{% macro raw_column_kind(data_type) -%}
    {{ return(adapter.dispatch('raw_column_kind', 'segments')(data_type)) }}
{%- endmacro %}

{#- What a raw column's warehouse type is, for raw_value_as_text: 'text', 'integer', 'decimal',
    'float', 'boolean', 'timestamptz' (an instant), 'timestamp' (a wall-clock time without zone),
    'date', or 'other' (any other type: cast to text as it is). Type names of DuckDB and
    PostgreSQL. -#}
{% macro default__raw_column_kind(data_type) -%}
    {%- set name = (data_type or '') | lower | trim -%}
    {%- set base = name.split('(')[0] | trim -%}
    {%- set integers = ['tinyint', 'smallint', 'integer', 'int', 'bigint', 'hugeint', 'int1', 'int2', 'int4',
        'int8', 'int16', 'int32', 'int64', 'int128', 'utinyint', 'usmallint', 'uinteger', 'ubigint', 'uhugeint',
        'long', 'short', 'byte', 'serial', 'bigserial', 'smallserial'] -%}
    {%- set floats = ['double', 'double precision', 'float', 'float4', 'float8', 'real'] -%}
    {%- set texts = ['varchar', 'text', 'string', 'char', 'character', 'character varying', 'bpchar', 'nvarchar',
        'nchar', 'name', 'citext'] -%}
    {%- if base == '' or base in texts -%}
        {{ return('text') }}
    {%- elif base in integers -%}
        {{ return('integer') }}
    {%- elif base in ['decimal', 'numeric'] -%}
        {{ return('decimal') }}
    {%- elif base in floats -%}
        {{ return('float') }}
    {%- elif base in ['boolean', 'bool'] -%}
        {{ return('boolean') }}
    {%- elif base in ['timestamptz', 'timestamp with time zone', 'timestamp_ltz'] -%}
        {{ return('timestamptz') }}
    {%- elif base.startswith('timestamp') or base == 'datetime' -%}
        {{ return('timestamp') }}
    {%- elif base == 'date' -%}
        {{ return('date') }}
    {%- endif -%}
    {{ return('other') }}
{%- endmacro %}

{#- Spark: its TIMESTAMP is an instant (shown in the session time zone); TIMESTAMP_NTZ has no zone. -#}
{% macro spark__raw_column_kind(data_type) -%}
    {%- set name = (data_type or '') | lower | trim -%}
    {%- if name in ['timestamp', 'timestamp_ltz'] -%}
        {{ return('timestamptz') }}
    {%- endif -%}
    {{ return(segments.default__raw_column_kind(data_type)) }}
{%- endmacro %}
