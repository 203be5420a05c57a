{% macro hash_bucket(expression) -%}
    {{ return(adapter.dispatch('hash_bucket', 'segments')(expression)) }}
{%- endmacro %}

{#- A whole number 0..65535 from the first four hex digits of the MD5 of the expression (dbt.hash):
    each digit's place in '0123456789abcdef' (dbt.position, 1-based) minus one, times its power
    of 16. No engine's hex parsing is involved, so DuckDB, PostgreSQL and Spark (whose md5 all
    return lower-case hex) give the same bucket; in Python:
    int(hashlib.md5(text.encode()).hexdigest()[:4], 16). -#}
{% macro default__hash_bucket(expression) -%}
    {%- set hashed = dbt.hash(expression) -%}
    (
        {%- for place in range(4) %}
        ({{ dbt.position('substring(' ~ hashed ~ ', ' ~ (place + 1) ~ ', 1)', "'0123456789abcdef'") | trim }} - 1) * {{ 16 ** (3 - place) }}
        {%- if not loop.last %} +{% endif %}
        {%- endfor %}
    )
{%- endmacro %}
