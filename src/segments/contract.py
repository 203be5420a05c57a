"""The raw input contract: the three tables `segments load` accepts, column by column.

The same contract is documented in models/staging/_sources.yml and in docs/contract.md; staging parses
and quarantines row by row, the loader only refuses files that are malformed as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RawTable:
    """One raw table: its columns in order, and which of them must be present and parse."""

    name: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    timestamps: tuple[str, ...] = ()
    integers: tuple[str, ...] = ()
    decimals: tuple[str, ...] = ()
    booleans: tuple[str, ...] = ()
    key: tuple[str, ...] = field(default=())


CONTACTS = RawTable(
    name="contacts",
    columns=(
        "contact_id", "email", "first_name", "last_name", "company_name", "job_title",
        "industry", "company_size", "country", "acquisition_channel", "email_opt_in",
        "created_at", "updated_at",
    ),
    required=("contact_id", "created_at"),
    timestamps=("created_at", "updated_at"),
    integers=("company_size",),
    booleans=("email_opt_in",),
    key=("contact_id",),
)

ORDERS = RawTable(
    name="orders",
    columns=(
        "order_id", "line_number", "contact_id", "ordered_at", "status", "product_id",
        "product_category", "quantity", "unit_price", "discount_amount", "currency",
    ),
    required=(
        "order_id", "line_number", "contact_id", "ordered_at", "status", "quantity",
        "unit_price", "currency",
    ),
    timestamps=("ordered_at",),
    integers=("quantity",),
    decimals=("unit_price", "discount_amount"),
    key=("order_id", "line_number"),
)

INTERACTIONS = RawTable(
    name="interactions",
    columns=(
        "interaction_id", "contact_id", "occurred_at", "channel", "interaction_type", "topic",
        "campaign_id", "rating",
    ),
    required=("interaction_id", "contact_id", "occurred_at"),
    timestamps=("occurred_at",),
    integers=("rating",),
    key=("interaction_id",),
)

RAW_TABLES: tuple[RawTable, ...] = (CONTACTS, ORDERS, INTERACTIONS)
BOOLEAN_SPELLINGS: tuple[str, ...] = ("true", "t", "yes", "y", "1", "false", "f", "no", "n", "0")

# Not part of the input contract: the column `segments load` adds after the contract columns of
# every raw table, the UTC time of the load (one value per load, strictly increasing per schema).
# An input file that has it is refused like any unknown column.
LOADED_AT = "_loaded_at"
