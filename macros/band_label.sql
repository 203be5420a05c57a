{#- The label of the band a value falls in: labels[0] below cutoffs[0], labels[1] below
    cutoffs[1], ..., the last label from the last cut-off up. Cut-offs must increase and there must
    be one label more than cut-offs (a compile error says so otherwise). -#}
{% macro band_label(value, cutoffs, labels) -%}
    {%- if labels | length != cutoffs | length + 1 -%}
        {{ exceptions.raise_compiler_error("band_label: need one label more than cut-offs, got "
            ~ labels | length ~ " labels for " ~ cutoffs | length ~ " cut-offs") }}
    {%- endif -%}
    {%- for cut in cutoffs[1:] -%}
        {%- if cut <= cutoffs[loop.index0] -%}
            {{ exceptions.raise_compiler_error("band_label: cut-offs must increase, got " ~ cutoffs) }}
        {%- endif -%}
    {%- endfor -%}
    case
        {%- for cut in cutoffs %}
        when {{ value }} < {{ cut }} then '{{ labels[loop.index0] }}'
        {%- endfor %}
        else '{{ labels[-1] }}'
    end
{%- endmacro %}
