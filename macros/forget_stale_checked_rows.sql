{% macro forget_stale_checked_rows(key_column, source_relation) -%}
    {{ return(adapter.dispatch('forget_stale_checked_rows', 'segments')(key_column, source_relation)) }}
{%- endmacro %}

{#- Pre-hook of an incremental checked staging model: before the run, forget the rows that
    delete+insert by key cannot replace: rows without a key (all of them are checked again on every
    run) and rows of loads no longer in raw (a replacing `segments load`: then every row is checked
    again). Nothing on a full build. -#}
{% macro default__forget_stale_checked_rows(key_column, source_relation) -%}
    {%- if is_incremental() -%}
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
