{#- The row-level rules of a model's columns, checked in one pass over the model (issue 22: one
    query per model, not one per column and rule; every rule still fails on its own).
    `rules` maps a column to its rules, written as dbt's column tests are:
      not_null                                          the column has no null
      unique                                            no non-null value repeats (its own group-by)
      {accepted_values: {values: [...], quote: true}}   every non-null value is one of the values
      {is_between: {min_value: 0, max_value: 5}}        every non-null value lies in the bounds
                                                        (inclusive; either may be left out)
      {relationships: {to: dim_contacts, field: id}}    every non-null value is a `field` of the
                                                        model or seed `to` (its own anti-join)
    A key that lists columns ("order_id, line_number": [unique]) is a compound key: the
    combination repeats nowhere, nulls included (the group-by of unique_combination_of_columns;
    only unique applies).
    Returns one row per broken rule: the column(s), the rule and how many rows break it (for
    unique: how many values repeat). -#}
{% test column_rules(model, rules) %}

{%- set counted = [] -%}
{%- set repeating = [] -%}
{%- set orphaned = [] -%}
{%- for column_name, column_rules in rules.items() -%}
    {%- for rule in column_rules -%}
        {%- set rule_name = rule if rule is string else (rule.keys() | list)[0] -%}
        {%- set arguments = {} if rule is string else (rule[rule_name] or {}) -%}
        {%- if ',' in column_name and rule_name != 'unique' -%}
            {{ exceptions.raise_compiler_error("column_rules on " ~ model ~ ": the compound key '" ~ column_name ~ "' takes only the rule unique, not " ~ rule_name) }}
        {%- elif ',' in column_name -%}
            {%- do repeating.append((column_name, false)) -%}
        {%- elif rule_name == 'not_null' -%}
            {%- do counted.append((column_name, rule_name, column_name ~ ' is null')) -%}
        {%- elif rule_name == 'unique' -%}
            {%- do repeating.append((column_name, true)) -%}
        {%- elif rule_name == 'relationships' -%}
            {%- do orphaned.append((column_name, ref(arguments['to']), arguments['field'])) -%}
        {%- elif rule_name == 'accepted_values' -%}
            {%- set listed = [] -%}
            {%- for value in arguments['values'] -%}
                {%- do listed.append(("'" ~ (value | string | replace("'", "''")) ~ "'") if arguments.get('quote', true) else (value | string)) -%}
            {%- endfor -%}
            {%- do counted.append((column_name, rule_name, column_name ~ ' not in (' ~ listed | join(', ') ~ ')')) -%}
        {%- elif rule_name == 'is_between' -%}
            {%- set bounds = [] -%}
            {%- if arguments.get('min_value') is not none -%}
                {%- do bounds.append(column_name ~ ' < ' ~ arguments['min_value']) -%}
            {%- endif -%}
            {%- if arguments.get('max_value') is not none -%}
                {%- do bounds.append(column_name ~ ' > ' ~ arguments['max_value']) -%}
            {%- endif -%}
            {%- do counted.append((column_name, rule_name, bounds | join(' or ') if bounds else 'false')) -%}
        {%- else -%}
            {{ exceptions.raise_compiler_error("column_rules on " ~ model ~ ", column " ~ column_name ~ ": unknown rule '" ~ rule_name ~ "' (known: not_null, unique, accepted_values, is_between, relationships)") }}
        {%- endif -%}
    {%- endfor -%}
{%- endfor -%}

with

{% if counted -%}
counted as (
    select
        {%- for check in counted %}
        sum(case when {{ check[2] }} then 1 else 0 end) as broken_{{ loop.index }}
        {{- ',' if not loop.last }}
        {%- endfor %}
    from {{ model }}
),

rule_list as (
    {%- for check in counted %}
    select {{ loop.index }} as rule_number, '{{ check[0] }}' as column_name, '{{ check[1] }}' as rule_name
    {%- if not loop.last %}
    union all{% endif %}
    {%- endfor %}
),

{% endif -%}
broken as (
    {%- if counted %}
    select
        rule_list.column_name,
        rule_list.rule_name,
        cast(case rule_list.rule_number
            {%- for check in counted %}
            when {{ loop.index }} then counted.broken_{{ loop.index }}
            {%- endfor %}
        end as {{ dbt.type_bigint() }}) as failing_rows
    from rule_list
    cross join counted
    {%- endif %}
    {%- for key in repeating %}
    {%- if counted or not loop.first %}
    union all
    {%- endif %}
    select
        '{{ key[0] }}' as column_name,
        'unique' as rule_name,
        cast(count(*) as {{ dbt.type_bigint() }}) as failing_rows
    from (
        {%- if key[1] %}
        select {{ key[0] }}
        from {{ model }}
        where {{ key[0] }} is not null
        group by {{ key[0] }}
        having count(*) > 1
        {%- else %}
        {{ segments.test_unique_combination_of_columns(model, key[0].split(',') | map('trim') | list) }}
        {%- endif %}
    ) as repeated_{{ loop.index }}
    {%- endfor %}
    {%- for orphan in orphaned %}
    {%- if counted or repeating or not loop.first %}
    union all
    {%- endif %}
    select
        '{{ orphan[0] }}' as column_name,
        'relationships' as rule_name,
        cast(count(*) as {{ dbt.type_bigint() }}) as failing_rows
    from (select {{ orphan[0] }} as child_key from {{ model }}) as child_{{ loop.index }}
    left join (select {{ orphan[2] }} as parent_key from {{ orphan[1] }}) as parent_{{ loop.index }}
        on child_{{ loop.index }}.child_key = parent_{{ loop.index }}.parent_key
    where
        child_{{ loop.index }}.child_key is not null
        and parent_{{ loop.index }}.parent_key is null
    {%- endfor %}
)

select * from broken
where failing_rows > 0

{% endtest %}
