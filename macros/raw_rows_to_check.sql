{% macro raw_rows_to_check(table_name, key_column, contact_reason_column, contacts_relation, rules_relation) -%}
    {{ return(adapter.dispatch('raw_rows_to_check', 'segments')(table_name, key_column, contact_reason_column, contacts_relation, rules_relation)) }}
{%- endmacro %}

{#- The raw rows a checked staging model reads: the contract columns, each as text (a typed column
    through raw_value_as_text, a text column as it is), and the load stamp (as loaded_at). Rows the
    loader marks deleted (raw_is_deleted) are left out. Every other row on a full build (no further
    filter: the scan stays a plain scan) or when the raw table has no load stamp (the model is then
    rebuilt in full, said once in the log); on an incremental run the rows without a key (always
    checked again) and every row of the keys that rechecked_keys names (the other arguments are
    its, read on incremental runs only; contact_reason_column none: a model that is never
    incremental, stg_contacts__checked). -#}
{% macro default__raw_rows_to_check(table_name, key_column, contact_reason_column, contacts_relation, rules_relation) -%}
    {%- set kinds = segments.raw_column_kinds(table_name) -%}
    {%- set loaded_at = segments.raw_loaded_at(table_name) -%}
    {%- set is_deleted = segments.raw_is_deleted(table_name) -%}
    {%- set has_stamp = loaded_at | trim == adapter.quote(var('raw_loaded_at_column')) -%}
    {%- set incremental = contact_reason_column is not none and is_incremental() -%}
    {%- set key_text = segments.raw_key(table_name, key_column) -%}
    {%- if execute and incremental and not has_stamp -%}
        {%- do log(table_name ~ " has no column " ~ var('raw_loaded_at_column') ~ " (var raw_loaded_at_column): "
            ~ this ~ " is rebuilt in full", info=True) -%}
    {%- endif -%}
    select
        {%- for column in segments.raw_contract_columns(table_name) %}
        {%- set kind = kinds.get(column) %}
        {{ column if kind in [none, 'text'] else segments.raw_value_as_text(column, kind) ~ ' as ' ~ column }},
        {%- endfor %}
        {{ loaded_at }} as loaded_at
    from {{ source('raw', table_name) }}
    {%- if is_deleted is not none %}
    where not {{ is_deleted }}
    {%- endif %}
    {%- if incremental and has_stamp %}
    {{ 'and' if is_deleted is not none else 'where' }} (
        {{ key_text }} is null
        or {{ key_text }} in (
            {{ segments.rechecked_keys(table_name, key_column, contact_reason_column, contacts_relation, rules_relation) | indent(12) }}
        )
    )
    {%- endif %}
{%- endmacro %}
