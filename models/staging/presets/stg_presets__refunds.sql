{{ config(enabled=segments.presets_filling('refunds') | length > 0) }}

{{ segments.preset_union('refunds') }}
