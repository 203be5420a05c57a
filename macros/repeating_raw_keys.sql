{#- The keys that more than one raw row has (keys: SQL expressions over the columns raw_rows_to_check
    reads, whose other arguments these are), as repeating_key_1, repeating_key_2, ...: only their rows
    can be exact duplicates or versions of one key. One hash aggregate on the key alone, whose
    result is a few rows; distinct_raw_rows_to_check collapses and counts the rows of these keys
    only, and passes every other row as it is. -#}
{% macro repeating_raw_keys(table_name, key_column, rules_relation, keys) -%}
    select
        {%- for key in keys %}
        {{ key }} as repeating_key_{{ loop.index }}
        {{- ',' if not loop.last }}
        {%- endfor %}
    from (
        {{ segments.raw_rows_to_check(table_name, key_column, rules_relation) | indent(8) }}
    ) as source
    group by {{ keys | join(', ') }}
    having count(*) > 1
{%- endmacro %}
