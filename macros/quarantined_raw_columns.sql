{#- The raw columns of a __checked model, as its final select lists them: the row as delivered
    (`raw_<column>`) and its fingerprint (`raw_row_id`), kept only where the row is quarantined and
    NULL on rows that pass. The quarantine needs them; valid rows never do, and writing millions of
    unused copies of the raw text would be most of a checked model's cost. `relation` is the CTE that holds raw_<column>
    and `reason` the column that is NULL on valid rows. -#}
{% macro quarantined_raw_columns(relation, raw_columns, reason='quarantine_reason') -%}
    {%- set raw_values = [] -%}
    {%- for column in raw_columns -%}{%- do raw_values.append(relation ~ '.raw_' ~ column) -%}{%- endfor -%}
    {%- for column in raw_columns %}
        case when {{ relation }}.{{ reason }} is not null then {{ relation }}.raw_{{ column }} end as raw_{{ column }},
    {%- endfor %}
        case
            when {{ relation }}.{{ reason }} is not null then {{ segments.row_fingerprint(raw_values) }}
        end as raw_row_id
{%- endmacro %}
