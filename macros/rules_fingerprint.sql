{#- A one-row select of `rules_fingerprint`: an md5 of the var segments_reporting_currency and of every row of
    the given rule tables (CTEs or relations: label spellings, currencies, fx rates), each table's rows
    as text in a fixed order. A checked staging model stores it on every row; an incremental run that
    finds another one checks every row again, since the same raw row may now decide otherwise.
    rule_tables: a mapping of relation -> its columns. -#}
{% macro rules_fingerprint(rule_tables) -%}
    {%- set parts = ["'" ~ var('segments_reporting_currency') ~ "'"] -%}
    {%- for relation in rule_tables -%}
        {%- do parts.append("coalesce(" ~ relation ~ "_rows.row_list, '')") -%}
    {%- endfor -%}
    select {{ dbt.hash(dbt.concat(parts)) }} as rules_fingerprint
    from
    {%- for relation, columns in rule_tables.items() %}
        {%- set fields = [] -%}
        {%- for column in columns -%}
            {%- do fields.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '')") -%}
            {%- if not loop.last %}{% do fields.append("','") %}{% endif -%}
        {%- endfor %}
        {{ 'cross join ' if not loop.first }}(
            select {{ segments.ordered_listagg(dbt.concat(fields), "'|'", "order by " ~ dbt.concat(fields)) }} as row_list
            from {{ relation }}
        ) as {{ relation }}_rows
    {%- endfor %}
{%- endmacro %}
