{{ config(enabled=segments.presets_filling('orders') | length > 0) }}

{{ segments.preset_union('orders') }}
