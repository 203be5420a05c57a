{{ config(enabled=segments.presets_filling('contacts') | length > 0) }}

{{ segments.preset_union('contacts') }}
