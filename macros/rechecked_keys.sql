{#- The keys whose rows an incremental run of a checked staging model checks again (a full build
    checks every row and does not call it; see raw_rows_to_check).
    Those of rows loaded after the newest load the model has seen (or of unknown load time) and of
    rows the loader marks deleted (raw_is_deleted; forget_stale_checked_rows removed their checked
    rows), and every key when the rules (rules_relation, see rules_fingerprint) differ from those the table was checked
    with. Every row of such a key is read from raw again, so duplicates, conflicts and whole-order
    checks see all of the key. Whether a row's contact exists is not a check of staging (see
    int_order_lines), so a contact that arrives or leaves rechecks nothing here. -#}
{% macro rechecked_keys(table_name, key_column, rules_relation) -%}
    {%- set source_relation = segments.raw_input(table_name) -%}
    {%- set key_text = segments.raw_key(table_name, key_column) -%}
    {%- set is_deleted = segments.raw_is_deleted(table_name) -%}
    select {{ key_text }} as {{ key_column }}
    from {{ source_relation }}
    where
        {{ segments.raw_loaded_at(table_name) }} is null
        or {{ segments.raw_loaded_at(table_name) }} > coalesce(
            (select max(loaded_at) from {{ this }}),
            cast('1900-01-01 00:00:00' as {{ dbt.type_timestamp() }})
        )
        {%- if is_deleted is not none %}
        or {{ is_deleted }}
        {%- endif %}

    union

    select {{ key_text }} as {{ key_column }}
    from {{ source_relation }}
    where exists (
        select 1
        from {{ this }} as checked
        cross join {{ rules_relation }} as rules
        where checked.rules_fingerprint != rules.rules_fingerprint
    )
{%- endmacro %}
