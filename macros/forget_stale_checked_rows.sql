{% macro forget_stale_checked_rows(key_column, source_relation) -%}
    {{ return(adapter.dispatch('forget_stale_checked_rows', 'segments')(key_column, source_relation)) }}
{%- endmacro %}

{#- Pre-hook of an incremental checked staging model: before the run, forget the rows that
    delete+insert by key cannot replace: rows without a key (all of them are checked again on every
    run) and rows of loads no longer in raw (a replacing `segments load`: then every row is checked
    again). Nothing on a full build. A table built before these columns existed stops the run with
    a message to rebuild it with --full-refresh. -#}
{% macro default__forget_stale_checked_rows(key_column, source_relation) -%}
    {%- if is_incremental() -%}
        {%- set present = adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list -%}
        {%- for needed in ['loaded_at', 'rules_fingerprint'] if needed not in present -%}
            {{ exceptions.raise_compiler_error(
                this ~ " has no column " ~ needed ~ ": it was built by an earlier version of the project. "
                ~ "Rebuild it once with `segments build --full-refresh` (dbt build --full-refresh).") }}
        {%- endfor %}
        delete from {{ this }}
        where
            {{ key_column }} is null
            or loaded_at not in (
                select distinct {{ segments.raw_loaded_at() }}
                from {{ source_relation }}
                where {{ segments.raw_loaded_at() }} is not null
            )
    {%- endif -%}
{%- endmacro %}
