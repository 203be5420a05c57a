{{ config(enabled=segments.presets_filling('interactions') | length > 0) }}

{{ segments.preset_union('interactions') }}
