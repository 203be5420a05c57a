{% macro round_double(value, places) -%}
    {{ return(adapter.dispatch('round_double', 'segments')(value, places)) }}
{%- endmacro %}

{#- A double rounded to `places` decimals, still a double. Used where engines' exp, ln and pow
    may differ in the last bit: the rounded digits are the same everywhere. -#}
{% macro default__round_double(value, places) -%}
    round({{ value }}, {{ places }})
{%- endmacro %}

{#- PostgreSQL has round(numeric, int) only. -#}
{% macro postgres__round_double(value, places) -%}
    cast(round(cast({{ value }} as numeric), {{ places }}) as double precision)
{%- endmacro %}
