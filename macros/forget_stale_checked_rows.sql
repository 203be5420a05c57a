{#- Pre-hook of an incremental checked staging model: before the run, forget the rows that
    delete+insert by key cannot replace: rows without a key (all of them are checked again on every
    run), rows of loads no longer in raw (a replacing `segments load`: then every row is checked
    again) and rows of keys the loader now marks deleted (raw_is_deleted). Every row when the raw
    table has no load stamp (var segments_raw_loaded_at_column): the model is then rebuilt in full. Nothing
    on a full build. A table built before these columns existed stops the run with a message to
    rebuild it with --full-refresh. -#}
{% macro forget_stale_checked_rows(key_column, table_name) -%}
    {%- if is_incremental() -%}
        {%- set present = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
        {%- for needed in ['loaded_at', 'rules_fingerprint'] if needed not in present -%}
            {{ exceptions.raise_compiler_error(
                this ~ " has no column " ~ needed ~ ": it was built by an earlier version of the project. "
                ~ "Rebuild it once with `segments build --full-refresh` (dbt build --full-refresh).") }}
        {%- endfor %}
        {%- set source_relation = segments.raw_input(table_name) -%}
        {%- set loaded_at = segments.raw_loaded_at(table_name) -%}
        {%- set is_deleted = segments.raw_is_deleted(table_name) -%}
        delete from {{ this }}
        {%- if loaded_at | trim == adapter.quote(var('segments_raw_loaded_at_column')) %}
        where
            {{ key_column }} is null
            or loaded_at not in (
                select distinct {{ loaded_at }}
                from {{ source_relation }}
                where {{ loaded_at }} is not null
            )
            {%- if is_deleted is not none %}
            or {{ key_column }} in (
                select {{ segments.raw_key(table_name, key_column) }}
                from {{ source_relation }}
                where {{ is_deleted }}
            )
            {%- endif %}
        {%- endif %}
    {%- endif -%}
{%- endmacro %}
