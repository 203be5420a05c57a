{#- Text -> boolean for the spellings exports use (true/false, t/f, yes/no, y/n, 1/0, any case);
    NULL for anything else, including NULL. -#}
{% macro parse_boolean(column) -%}
    case
        when lower(trim({{ column }})) in ('true', 't', 'yes', 'y', '1') then true
        when lower(trim({{ column }})) in ('false', 'f', 'no', 'n', '0') then false
    end
{%- endmacro %}
