{#- An md5 hex digest of a row's values, for a stable id of a row that has no trustworthy key (a
    quarantined raw row). NULL and empty text hash differently; values are separated so that
    ('ab', 'c') and ('a', 'bc') differ. -#}
{% macro row_fingerprint(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(" ~ dbt.concat(["'v:'", segments.try_cast(column, dbt.type_string())]) ~ ", 'null')") -%}
        {%- if not loop.last -%}{%- do parts.append("'|'") -%}{%- endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}
