{#- The raw rows a checked model reads (raw_rows_to_check, whose first arguments these are), exact
    duplicates collapsed into one with the extra copies counted in collapsed_duplicates (never lost)
    and the latest load stamp kept as loaded_at, and with key_versions: how many distinct rows have
    the row's key (keys: SQL expressions over the raw columns; NULL when one of them is NULL).
    Only a key that more than one raw row has (repeating_relation: repeating_raw_keys of the same
    keys) can have duplicates or versions, so only its rows, and the rows without a key, are
    grouped by every column; every other row passes as it is, with no duplicate and one version.
    Grouping millions of rows by all of their columns was most of a checked model's cost. -#}
{% macro distinct_raw_rows_to_check(table_name, key_column, rules_relation, keys, repeating_relation) -%}
    {%- set columns = segments.raw_contract_columns(table_name) -%}
    {%- set key_conditions = [] -%}
    {%- set key_is_null = [] -%}
    {%- for key in keys -%}
        {%- do key_conditions.append(key ~ ' = repeating.repeating_key_' ~ loop.index) -%}
        {%- do key_is_null.append(key ~ ' is null') -%}
    {%- endfor -%}
    {%- set source -%}
        (
            {{ segments.raw_rows_to_check(table_name, key_column, rules_relation) | indent(12) }}
        ) as source
        left join {{ repeating_relation }} as repeating
            on {{ key_conditions | join('\n            and ') }}
    {%- endset -%}
    -- rows of a key no other raw row has
    select
        {%- for column in columns %}
        source.{{ column }},
        {%- endfor %}
        source.loaded_at,
        cast(0 as {{ dbt.type_bigint() }}) as collapsed_duplicates,
        cast(1 as {{ dbt.type_bigint() }}) as key_versions
    from {{ source }}
    where repeating.repeating_key_1 is null and not ({{ key_is_null | join(' or ') }})

    union all

    -- rows of a repeating key and rows without a key: exact duplicates collapsed, versions counted
    select
        {%- for column in columns %}
        source.{{ column }},
        {%- endfor %}
        max(source.loaded_at) as loaded_at,
        count(*) - 1 as collapsed_duplicates,
        case
            when not ({{ key_is_null | join(' or ') }})
                then count(*) over (partition by {{ keys | join(', ') }})
        end as key_versions
    from {{ source }}
    where repeating.repeating_key_1 is not null or {{ key_is_null | join(' or ') }}
    group by
        {%- for column in columns %}
        source.{{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
{%- endmacro %}
