{#- Ordered classification rules (first match by priority wins; an empty condition matches
    anything) where a rule can never win: it comes after a catch-all rule (every condition empty),
    or repeats the exact conditions of a rule with a higher priority. Returns each unreachable rule
    with the rule that shadows it. -#}
{% test rules_are_reachable(model, column_name, priority_column, condition_columns) %}

with

rules as (
    select
        {{ column_name }} as rule_id,
        {{ priority_column }} as priority,
        {%- for condition in condition_columns %}
        {{ segments.try_cast(condition, dbt.type_string()) }} as condition_{{ loop.index }},
        {%- endfor %}
        case
            when
                {%- for condition in condition_columns %}
                {{ condition }} is null{{ ' and' if not loop.last }}
                {%- endfor %}
                then 1
            else 0
        end as is_catch_all
    from {{ model }}
),

shadowed as (
    select
        later.rule_id,
        earlier.rule_id as shadowed_by,
        case when earlier.is_catch_all = 1 then 'comes after a catch-all rule' else 'repeats its conditions' end
        as reason
    from rules as later
    inner join rules as earlier
        on
            earlier.priority < later.priority
            and (
                earlier.is_catch_all = 1
                or (
                    {%- for condition in condition_columns %}
                    coalesce(earlier.condition_{{ loop.index }}, '<any>')
                    = coalesce(later.condition_{{ loop.index }}, '<any>'){{ ' and' if not loop.last }}
                    {%- endfor %}
                )
            )
)

select * from shadowed

{% endtest %}
