{#- The select of a raw table's live rows as staging reads them (raw_input: the raw table, or the
    union of the source presets that fill it): the contract columns, each as text (a typed column
    through raw_value_as_text, a text column as it is: the text path compiles to a plain column
    list), the rows the loader marks deleted (raw_is_deleted) left out. An optional contract column
    the table does not have (a table loaded before the column existed, a loader without it) reads
    as NULL; an optional table the warehouse does not have (raw_table_is_absent) as no rows.
    Options: a load-stamp expression selected as loaded_at, and one more condition on the rows. -#}
{% macro raw_rows(table_name, loaded_at=none, extra_filter=none) -%}
    {%- set kinds = segments.raw_column_kinds(table_name) -%}
    {%- set absent = segments.raw_table_is_absent(table_name) -%}
    {%- set required = var('segments_raw_contract')[table_name] | selectattr('required') | map(attribute='name') | list -%}
    {%- set conditions = [] -%}
    {%- set is_deleted = segments.raw_is_deleted(table_name) -%}
    {%- if is_deleted is not none -%}{%- do conditions.append('not ' ~ is_deleted) -%}{%- endif -%}
    {%- if extra_filter is not none -%}{%- do conditions.append('(' ~ extra_filter ~ ')') -%}{%- endif -%}
    select
        {%- for column in segments.raw_contract_columns(table_name) %}
        {%- set kind = kinds.get(column) %}
        {%- if absent or (kinds and kind is none and column not in required) %}
        cast(null as {{ dbt.type_string() }}) as {{ column }}
        {%- else %}
        {{ column if kind in [none, 'text'] else segments.raw_value_as_text(column, kind) ~ ' as ' ~ column }}
        {%- endif %}
        {{- ',' if not loop.last or loaded_at is not none }}
        {%- endfor %}
        {%- if loaded_at is not none %}
        {{ loaded_at }} as loaded_at
        {%- endif %}
    {%- if absent %}
    from (select 1 as no_rows) as absent_table
    where 1 = 0
    {%- else %}
    from {{ segments.raw_input(table_name) }}
    {%- if conditions %}
    where {{ conditions | join('\n        and ') }}
    {%- endif %}
    {%- endif %}
{%- endmacro %}
