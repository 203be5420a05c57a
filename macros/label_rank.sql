{#- The position of a label in an ordered list of labels, 1 for the first: a SQL case expression,
    null for a label not in the list. For tiers listed best first (segments_abc_labels), a lower
    rank is a better tier. -#}
{% macro label_rank(column, labels) -%}
    case {{ column }}
        {%- for label in labels %}
        when '{{ label }}' then {{ loop.index }}
        {%- endfor %}
    end
{%- endmacro %}
