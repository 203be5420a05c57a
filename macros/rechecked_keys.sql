{% macro rechecked_keys(source_relation, key_column, contact_reason_column, contacts_relation, rules_relation) -%}
    {{ return(adapter.dispatch('rechecked_keys', 'segments')(source_relation, key_column, contact_reason_column, contacts_relation, rules_relation)) }}
{%- endmacro %}

{#- The keys whose rows an incremental run of a checked staging model checks again (a full build
    checks every row and does not call it; see raw_rows_to_check).
    Those of rows loaded after the newest load the model has seen (or of unknown load time), and
    those whose contact check would now decide otherwise: a contact that arrived after its rows
    (quarantined unknown_contact, now known) or that is no longer valid; and every key when the rules
    (rules_relation, see rules_fingerprint) differ from those the table was checked with. Every row
    of such a key is read from raw again, so duplicates, conflicts and whole-order checks see all of
    the key. -#}
{% macro default__rechecked_keys(source_relation, key_column, contact_reason_column, contacts_relation, rules_relation) -%}
    select {{ segments.clean_text(key_column) }} as {{ key_column }}
    from {{ source_relation }}
    where
        {{ segments.raw_loaded_at() }} is null
        or {{ segments.raw_loaded_at() }} > coalesce(
            (select max(loaded_at) from {{ this }}),
            cast('1900-01-01 00:00:00' as {{ dbt.type_timestamp() }})
        )

    union

    select checked.{{ key_column }}
    from {{ this }} as checked
    left join {{ contacts_relation }} as contacts
        on checked.contact_id = contacts.contact_id
    where
        checked.{{ key_column }} is not null
        and (
            (checked.{{ contact_reason_column }} = 'unknown_contact' and contacts.contact_id is not null)
            or (checked.{{ contact_reason_column }} is null and contacts.contact_id is null)
        )

    union

    select {{ segments.clean_text(key_column) }} as {{ key_column }}
    from {{ source_relation }}
    where exists (
        select 1
        from {{ this }} as checked
        cross join {{ rules_relation }} as rules
        where checked.rules_fingerprint != rules.rules_fingerprint
    )
{%- endmacro %}
