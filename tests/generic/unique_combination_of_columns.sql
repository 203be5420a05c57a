{#- The combination of the given columns is unique (a compound primary key).
    Returns each duplicated combination with how often it occurs. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with

combinations as (
    select
        {{ combination_of_columns | join(',\n        ') }},
        count(*) as occurrences
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
)

select * from combinations
where occurrences > 1

{% endtest %}
