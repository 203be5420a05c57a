{#- A SQL condition true on the raw rows the loader marks as deleted (the soft-delete flag named by
    var segments_raw_deleted_column, e.g. _fivetran_deleted, boolean or text, parsed like email_opt_in; NULL
    means not deleted), or none when the var is empty or the raw table has no such column. Those
    rows leave staging before any check and are counted apart by the test reconciles_with_source. -#}
{% macro raw_is_deleted(table_name) -%}
    {%- set column = var('segments_raw_deleted_column', none) -%}
    {%- set kinds = segments.raw_column_kinds(table_name) if column else {} -%}
    {%- if not column or (column | lower) not in kinds -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set flag = segments.raw_value_as_text(adapter.quote(column), kinds[column | lower]) -%}
    {{ return('coalesce(' ~ segments.parse_boolean(flag) ~ ', false)') }}
{%- endmacro %}
