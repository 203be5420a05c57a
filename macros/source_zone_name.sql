{#- The time zone (an IANA name such as 'Europe/Paris', default 'UTC') in which raw timestamps
    without a zone and raw dates are read: the var segments_source_time_zone, checked to be a plain name. -#}
{% macro source_zone_name() -%}
    {%- set zone = var('segments_source_time_zone', 'UTC') or 'UTC' -%}
    {%- if not modules.re.match('^[A-Za-z0-9_+/-]+$', zone | string) -%}
        {{ exceptions.raise_compiler_error("var segments_source_time_zone: '" ~ zone ~ "' is not a time zone name (e.g. UTC, Europe/Paris)") }}
    {%- endif -%}
    {{ return(zone) }}
{%- endmacro %}
