{#- The columns of a raw table in contract order: the one list the checked and quarantine models
    select, group and fingerprint. The same contract is documented in models/staging/_sources.yml
    and enforced by the loader (src/segments/contract.py); a pytest keeps the three identical. -#}
{% macro raw_contract_columns(table_name) -%}
    {%- set contract = {
        'contacts': [
            'contact_id', 'email', 'first_name', 'last_name', 'company_name', 'job_title', 'industry',
            'company_size', 'country', 'acquisition_channel', 'email_opt_in', 'created_at', 'updated_at',
        ],
        'orders': [
            'order_id', 'line_number', 'contact_id', 'ordered_at', 'status', 'product_id',
            'product_category', 'quantity', 'unit_price', 'discount_amount', 'currency',
        ],
        'interactions': [
            'interaction_id', 'contact_id', 'occurred_at', 'channel', 'interaction_type', 'topic',
            'campaign_id', 'rating',
        ],
    } -%}
    {%- if table_name not in contract -%}
        {{ exceptions.raise_compiler_error("raw_contract_columns: no raw table '" ~ table_name ~ "'") }}
    {%- endif -%}
    {{ return(contract[table_name]) }}
{%- endmacro %}
