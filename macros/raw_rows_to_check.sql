{#- The raw rows an incremental checked staging model reads (raw_rows: live rows, each column as
    text) with their load stamp (as loaded_at). Every row on a full build (no further filter: the
    scan stays a plain scan) or when the raw table has no load stamp (the model is then rebuilt in
    full, said once in the log); on an incremental run the rows without a key (always checked
    again) and every row of the keys that rechecked_keys names (the other arguments are its). -#}
{% macro raw_rows_to_check(table_name, key_column, rules_relation) -%}
    {%- set loaded_at = segments.raw_loaded_at(table_name) -%}
    {%- set has_stamp = loaded_at | trim == adapter.quote(var('segments_raw_loaded_at_column')) -%}
    {%- set incremental = is_incremental() -%}
    {%- if execute and incremental and not has_stamp -%}
        {%- do log(table_name ~ " has no column " ~ var('segments_raw_loaded_at_column') ~ " (var segments_raw_loaded_at_column): "
            ~ this ~ " is rebuilt in full", info=True) -%}
    {%- endif -%}
    {%- set rechecked = none -%}
    {%- if incremental and has_stamp -%}
        {%- set key_text = segments.raw_key(table_name, key_column) -%}
        {%- set rechecked -%}
        {{ key_text }} is null
        or {{ key_text }} in (
            {{ segments.rechecked_keys(table_name, key_column, rules_relation) | indent(12) }}
        )
        {%- endset -%}
    {%- endif -%}
    {{ segments.raw_rows(table_name, loaded_at, rechecked) }}
{%- endmacro %}
