{#- The select of a raw table's live rows as staging reads them: the contract columns, each as
    text (a typed column through raw_value_as_text, a text column as it is: the text path compiles
    to a plain column list), the rows the loader marks deleted (raw_is_deleted) left out. Options:
    a load-stamp expression selected as loaded_at, and one more condition on the rows. -#}
{% macro raw_rows(table_name, loaded_at=none, extra_filter=none) -%}
    {%- set kinds = segments.raw_column_kinds(table_name) -%}
    {%- set conditions = [] -%}
    {%- set is_deleted = segments.raw_is_deleted(table_name) -%}
    {%- if is_deleted is not none -%}{%- do conditions.append('not ' ~ is_deleted) -%}{%- endif -%}
    {%- if extra_filter is not none -%}{%- do conditions.append('(' ~ extra_filter ~ ')') -%}{%- endif -%}
    select
        {%- for column in segments.raw_contract_columns(table_name) %}
        {%- set kind = kinds.get(column) %}
        {{ column if kind in [none, 'text'] else segments.raw_value_as_text(column, kind) ~ ' as ' ~ column }}
        {{- ',' if not loop.last or loaded_at is not none }}
        {%- endfor %}
        {%- if loaded_at is not none %}
        {{ loaded_at }} as loaded_at
        {%- endif %}
    from {{ source('raw', table_name) }}
    {%- if conditions %}
    where {{ conditions | join('\n        and ') }}
    {%- endif %}
{%- endmacro %}
