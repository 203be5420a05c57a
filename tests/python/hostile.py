"""Hostile inputs for `segments`: files as companies export them, values the loader accepts and
staging must quarantine, broken warehouses and environments, bad arguments.

Each case declares what must happen:
- "refused": a non-zero exit with a clear message (lines starting 'error:' or the loader's listed
  problems, never a traceback) holding every text in `says` (file, row, column where relevant),
  and the warehouse exactly as it was;
- "loaded": exit 0, every data row of every file in the raw table (rows lost = 0), and the values
  in `values` as the raw table holds them (anything else is silently wrong);
- "quarantined": the row is loaded (with --lenient, into one shared warehouse) and, after one build,
  is in the quarantine table with one of `reasons` (staged, or another reason, is silently wrong);
- "built": the command exits 0 without a traceback.
`owner` names the part of `segments` (loader, typed parsing in staging, predict) a failing case points at.

test_hostile.py runs the cases and prints the closing figures.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from segments.contract import CONTACTS, INTERACTIONS, ORDERS

TRACEBACK = "Traceback (most recent call last)"
AS_OF = "2024-12-31"

BASE_CONTACTS = [
    {
        "contact_id": "C1",
        "email": "ann@example.com",
        "first_name": "Ann",
        "company_size": "12",
        "country": "FR",
        "email_opt_in": "true",
        "created_at": "2024-01-05T10:00:00Z",
    },
    {
        "contact_id": "C2",
        "email": "bob@example.com",
        "first_name": "Bob",
        "email_opt_in": "false",
        "created_at": "2024-02-05T10:00:00Z",
        "updated_at": "2024-03-01T00:00:00Z",
    },
    {"contact_id": "C3", "email": "cy@example.com", "first_name": "Cy", "created_at": "2024-02-06T10:00:00Z"},
]
BASE_ORDERS = [
    {
        "order_id": "O1",
        "line_number": "1",
        "contact_id": "C1",
        "ordered_at": "2024-04-01T10:00:00Z",
        "status": "completed",
        "quantity": "2",
        "unit_price": "10.50",
        "currency": "EUR",
    },
    {
        "order_id": "O2",
        "line_number": "1",
        "contact_id": "C1",
        "ordered_at": "2024-06-01T10:00:00Z",
        "status": "completed",
        "quantity": "1",
        "unit_price": "99.00",
        "discount_amount": "9",
        "currency": "EUR",
    },
    {
        "order_id": "O3",
        "line_number": "1",
        "contact_id": "C2",
        "ordered_at": "2024-05-01T10:00:00Z",
        "status": "completed",
        "quantity": "3",
        "unit_price": "5",
        "currency": "EUR",
    },
]
BASE_INTERACTIONS = [
    {
        "interaction_id": "I1",
        "contact_id": "C1",
        "occurred_at": "2024-04-02T10:00:00Z",
        "channel": "email",
        "interaction_type": "email_open",
    },
    {
        "interaction_id": "I2",
        "contact_id": "C2",
        "occurred_at": "2024-04-03T10:00:00Z",
        "channel": "web",
        "interaction_type": "page_view",
    },
]
BASE = {"contacts": BASE_CONTACTS, "orders": BASE_ORDERS, "interactions": BASE_INTERACTIONS}
COLUMNS = {"contacts": CONTACTS.columns, "orders": ORDERS.columns, "interactions": INTERACTIONS.columns}


@dataclass(frozen=True)
class CsvFile:
    """A CSV file as an exporting tool writes it: header and rows, encoding, delimiter, line end."""

    rows: list[list[str]]
    encoding: str = "utf-8"
    delimiter: str = ","
    line_end: str = "\n"

    @property
    def data_rows(self) -> int:
        return len(self.rows) - 1

    def payload(self) -> bytes:
        text = io.StringIO()
        csv.writer(text, delimiter=self.delimiter, lineterminator=self.line_end).writerows(self.rows)
        return text.getvalue().encode(self.encoding)


def table_file(
    table: str, rows: list[dict] | None = None, columns: tuple[str, ...] | None = None, **dialect
) -> CsvFile:
    """A file of one raw table (the base rows by default) in the given dialect."""
    columns = columns or COLUMNS[table]
    rows = BASE[table] if rows is None else rows
    return CsvFile([list(columns), *([row.get(column, "") for column in columns] for row in rows)], **dialect)


def every_file(overrides: dict[str, list[dict]] | None = None, **dialect) -> dict[str, CsvFile]:
    """All three files in one dialect (load options apply to every file of DIR), with the rows
    given for some tables."""
    return {table: table_file(table, (overrides or {}).get(table), **dialect) for table in BASE}


def with_value(table: str, index: int, **values: str) -> list[dict]:
    """The base rows of a table with some values of row `index` replaced."""
    rows = [dict(row) for row in BASE[table]]
    rows[index].update(values)
    return rows


@dataclass(frozen=True)
class Case:
    name: str
    expect: str  # refused | loaded | quarantined | built
    files: dict[str, CsvFile | bytes] = field(default_factory=dict)  # replaces the base file
    args: tuple[str, ...] = ()  # extra arguments of `segments load`
    says: tuple[str, ...] = ()  # texts a refusal must hold
    values: tuple[tuple[str, str, str, str], ...] = ()  # (table, key, column, text in raw)
    row: tuple[str, dict] | None = None  # quarantined: (table, row added to the shared data)
    reasons: tuple[str, ...] = ()
    run: Callable | None = None  # a command case: run(context) -> (exit code, output)
    owner: str = "loader"


EXCEL_FR = {"encoding": "cp1252", "delimiter": ";", "line_end": "\r\n"}


def _fr(table: str, rows: list[dict] | None = None, **dialect) -> CsvFile:
    """What Excel writes in France: Windows-1252, ';', CRLF."""
    return table_file(table, rows, **(EXCEL_FR | dialect))


FRENCH_CONTACTS = with_value(
    "contacts",
    0,
    first_name="Hélène",
    company_name="Société Générale",
    company_size="1 200",
    created_at="05/01/2024 10:00",
)
FRENCH_ORDERS = with_value(
    "orders", 0, unit_price="1.234,56", discount_amount="12,5", ordered_at="13/02/2024 09:30"
)
FRENCH_ORDERS[1]["unit_price"] = "99,00"
FRENCH = ("--decimal-comma", "--date-format", "%d/%m/%Y %H:%M", "--date-format", "%d/%m/%Y")
GERMAN_CONTACTS = with_value(
    "contacts", 0, first_name="Jürgen", company_name="Müller & Söhne GmbH", created_at="05.01.2024"
)
GERMAN_ORDERS = with_value("orders", 0, unit_price="1.234,56", ordered_at="13.02.2024 09:30")
GERMAN_ORDERS[1]["unit_price"] = "99,00"


def file_cases() -> list[Case]:
    """Cases about whole files: encodings, delimiters, headers, shapes, conventions."""
    refused, loaded = "refused", "loaded"
    return [
        # --- encodings ------------------------------------------------------------------------
        Case(
            "cp1252_semicolon_crlf_excel_fr",
            loaded,
            {
                "contacts": _fr(
                    "contacts", with_value("contacts", 0, first_name="Hélène", company_name="Crème & Brûlée SARL")
                )
            },
            values=(
                ("contacts", "C1", "first_name", "Hélène"),
                ("contacts", "C1", "company_name", "Crème & Brûlée SARL"),
            ),
        ),
        Case(
            "latin1",
            loaded,
            {
                "contacts": table_file(
                    "contacts", with_value("contacts", 0, first_name="Françoise"), encoding="latin-1"
                )
            },
            values=(("contacts", "C1", "first_name", "Françoise"),),
        ),
        Case(
            "utf16_bom_tab",
            loaded,
            {
                "contacts": table_file(
                    "contacts",
                    with_value("contacts", 0, first_name="Łukasz"),
                    encoding="utf-16",
                    delimiter="\t",
                    line_end="\r\n",
                )
            },
            values=(("contacts", "C1", "first_name", "Łukasz"),),
        ),
        Case(
            "utf8_bom_semicolon",
            loaded,
            {"orders": table_file("orders", encoding="utf-8-sig", delimiter=";")},
            values=(("orders", "O1", "unit_price", "10.50"),),
        ),
        Case(
            "utf8_bom_given_as_utf8",
            loaded,
            {
                "contacts": table_file(
                    "contacts", with_value("contacts", 0, first_name="Zoë"), encoding="utf-8-sig"
                )
            },
            args=("--encoding", "utf-8"),
            values=(("contacts", "C1", "first_name", "Zoë"),),
        ),
        Case(
            "utf16_le_without_bom_given",
            loaded,
            every_file({"contacts": with_value("contacts", 0, first_name="Ørjan")}, encoding="utf-16-le"),
            args=("--encoding", "utf-16-le"),
            values=(("contacts", "C1", "first_name", "Ørjan"),),
        ),
        Case(
            "utf16_le_without_bom_detected",
            refused,
            {"contacts": table_file("contacts", encoding="utf-16-le")},
            says=("contacts.csv", "NUL bytes", "--encoding utf-16-le"),
        ),
        Case(
            "wrong_encoding_given",
            refused,
            {"contacts": _fr("contacts", FRENCH_CONTACTS)},
            args=("--encoding", "utf-8", *FRENCH),
            says=("contacts.csv", "is not valid utf-8", "row 1 (line 2)", "column 'first_name'"),
        ),
        Case(
            "undefined_cp1252_bytes",
            refused,
            {"contacts": table_file("contacts").payload() + b"C9,\x81\x8d@x.com,,,,,,,,,,2024-01-01,\n"},
            says=(
                "contacts.csv",
                "neither UTF-8 nor Windows-1252",
                "row 4 (line 5)",
                "column 'email'",
                "--encoding",
            ),
        ),
        Case("unknown_encoding_name", refused, args=("--encoding", "klingon"), says=("--encoding klingon",)),
        Case("binary_garbage", refused, {"orders": bytes(range(256)) * 40}, says=("orders.csv", "NUL bytes")),
        Case(
            "xlsx_named_csv",
            refused,
            {"orders": b"PK\x03\x04" + bytes(200)},
            says=("orders.csv", "Excel .xlsx", "save it from Excel as CSV"),
        ),
        Case("parquet_named_csv", refused, {"orders": b"PAR1" + bytes(100)}, says=("orders.csv", "Parquet")),
        # --- delimiters and line ends ---------------------------------------------------------
        Case(
            "tab_separated",
            loaded,
            {"interactions": table_file("interactions", delimiter="\t")},
            values=(("interactions", "I1", "channel", "email"),),
        ),
        Case(
            "pipe_separated_crlf",
            loaded,
            {"orders": table_file("orders", delimiter="|", line_end="\r\n")},
            values=(("orders", "O2", "currency", "EUR"),),
        ),
        Case(
            "delimiter_given",
            loaded,
            every_file(delimiter=";"),
            args=("--delimiter", "semicolon"),
            values=(("orders", "O1", "quantity", "2"),),
        ),
        Case(
            "delimiter_given_wrong",
            refused,
            {"orders": table_file("orders", delimiter=";")},
            args=("--delimiter", ","),
            says=("orders.csv", "is not a column of the orders contract"),
        ),
        Case("delimiter_two_chars", refused, args=("--delimiter", "::"), says=("--delimiter", "one character")),
        Case(
            "quoted_delimiters_and_newlines",
            loaded,
            {
                "contacts": table_file(
                    "contacts",
                    with_value("contacts", 0, company_name='Smith; Jones, "and" Co\nLondon'),
                    delimiter=";",
                )
            },
            values=(("contacts", "C1", "company_name", 'Smith; Jones, "and" Co\nLondon'),),
        ),
        # --- local conventions ----------------------------------------------------------------
        Case(
            "french_excel_export",
            loaded,
            every_file({"contacts": FRENCH_CONTACTS, "orders": FRENCH_ORDERS}, **EXCEL_FR),
            args=FRENCH,
            values=(
                ("contacts", "C1", "first_name", "Hélène"),
                ("contacts", "C1", "company_size", "1200"),
                ("contacts", "C1", "created_at", "2024-01-05T10:00:00"),
                ("contacts", "C2", "created_at", "2024-02-05T10:00:00Z"),
                ("orders", "O1", "unit_price", "1234.56"),
                ("orders", "O1", "discount_amount", "12.5"),
                ("orders", "O1", "ordered_at", "2024-02-13T09:30:00"),
                ("orders", "O2", "unit_price", "99.00"),
                ("orders", "O2", "ordered_at", "2024-06-01T10:00:00Z"),
            ),
        ),
        Case(
            "german_excel_export",
            loaded,
            every_file({"contacts": GERMAN_CONTACTS, "orders": GERMAN_ORDERS}, **EXCEL_FR),
            args=("--decimal-comma", "--date-format", "%d.%m.%Y %H:%M", "--date-format", "%d.%m.%Y"),
            values=(
                ("contacts", "C1", "first_name", "Jürgen"),
                ("contacts", "C1", "created_at", "2024-01-05T00:00:00"),
                ("orders", "O1", "unit_price", "1234.56"),
                ("orders", "O1", "ordered_at", "2024-02-13T09:30:00"),
            ),
        ),
        Case(
            "decimal_comma_undeclared",
            refused,
            {"orders": _fr("orders", with_value("orders", 0, unit_price="12,5"))},
            says=("orders.csv: column 'unit_price'", "row 1 (line 2): '12,5'", "--decimal-comma"),
        ),
        Case(
            "day_first_undeclared",
            refused,
            {"orders": _fr("orders", with_value("orders", 0, ordered_at="13/02/2024"))},
            says=("orders.csv: column 'ordered_at'", "row 1 (line 2): '13/02/2024'", "--date-format"),
        ),
        Case(
            "decimal_point_in_decimal_comma_file",
            refused,
            {"orders": _fr("orders", with_value("orders", 1, unit_price="12.5"))},
            args=("--decimal-comma",),
            says=("orders.csv: column 'unit_price'", "with a decimal comma", "row 2 (line 3): '12.5'"),
        ),
        Case(
            "fraction_in_whole_number_decimal_comma",
            refused,
            {"orders": _fr("orders", with_value("orders", 0, quantity="2,5"))},
            args=("--decimal-comma",),
            says=("orders.csv: column 'quantity'", "row 1 (line 2): '2,5'"),
        ),
        Case(
            "date_not_in_declared_format",
            refused,
            {"orders": _fr("orders", with_value("orders", 2, ordered_at="2024/13/02"))},
            args=("--date-format", "%d/%m/%Y"),
            says=("orders.csv: column 'ordered_at'", "row 3 (line 4)", "--date-format '%d/%m/%Y'"),
        ),
        Case(
            "date_format_without_year",
            refused,
            args=("--date-format", "%d/%m"),
            says=("--date-format '%d/%m'", "no year"),
        ),
        # --- headers and shapes ---------------------------------------------------------------
        Case("empty_file", refused, {"interactions": b""}, says=("interactions.csv", "empty")),
        Case("header_only_orders", loaded, {"orders": table_file("orders", [])}),
        Case("header_only_everything", loaded, {name: table_file(name, []) for name in BASE}),
        Case(
            "header_with_spaces_and_case",
            loaded,
            {"orders": CsvFile([[f" {c.upper()} " for c in ORDERS.columns], *table_file("orders").rows[1:]])},
            values=(("orders", "O3", "quantity", "3"),),
        ),
        Case(
            "missing_required_column",
            refused,
            {"orders": table_file("orders", columns=tuple(c for c in ORDERS.columns if c != "currency"))},
            says=("orders.csv: column 'currency': required column is missing",),
        ),
        Case(
            "missing_optional_columns",
            loaded,
            {"contacts": table_file("contacts", columns=("contact_id", "created_at"))},
            values=(("contacts", "C3", "created_at", "2024-02-06T10:00:00Z"),),
        ),
        Case(
            "extra_column",
            refused,
            {"orders": table_file("orders", columns=(*ORDERS.columns, "vat_rate"))},
            says=("orders.csv: column 'vat_rate': is not a column of the orders contract",),
        ),
        Case(
            "duplicated_column",
            refused,
            {"orders": table_file("orders", columns=(*ORDERS.columns, "quantity"))},
            says=("orders.csv: column 'quantity': appears twice",),
        ),
        Case(
            "ragged_row",
            refused,
            {"interactions": table_file("interactions").payload() + b"I9,C1,2024-01-01,a,b,c,d,e,f\n"},
            says=("interactions.csv: cannot be read", "Line: 4"),
        ),
        Case(
            "unterminated_quote",
            refused,
            {"contacts": table_file("contacts").payload() + b'C9,"x@y.z,,,,,,,,,,2024-01-01,\n'},
            says=("contacts.csv: cannot be read",),
        ),
        Case(
            "huge_text_value",
            loaded,
            {"contacts": table_file("contacts", with_value("contacts", 0, company_name="A" * 100_000))},
            values=(("contacts", "C1", "company_name", "A" * 100_000),),
        ),
        Case(
            "unicode_and_formula_values",
            loaded,
            {
                "contacts": table_file(
                    "contacts",
                    with_value(
                        "contacts", 0, first_name='=HYPERLINK("http://x")', company_name="😀 \u202eRTL\u200b"
                    ),
                )
            },
            values=(
                ("contacts", "C1", "first_name", '=HYPERLINK("http://x")'),
                ("contacts", "C1", "company_name", "😀 \u202eRTL\u200b"),
            ),
        ),
        Case(
            "number_too_long_for_the_loader",
            refused,
            {"orders": table_file("orders", with_value("orders", 0, quantity="9" * 40))},
            says=("orders.csv: column 'quantity'", "row 1 (line 2)"),
        ),
        Case(
            "not_iso_timestamp_epoch",
            refused,
            {"orders": table_file("orders", with_value("orders", 0, ordered_at="epoch"))},
            says=("orders.csv: column 'ordered_at'", "row 1 (line 2): 'epoch'"),
        ),
    ]


def quarantine_cases() -> list[Case]:
    """Rows the (lenient) loader accepts and staging must quarantine; all in one shared build."""

    def line(key: str, **values: str) -> tuple[str, dict]:
        return ("orders", dict(BASE_ORDERS[0], order_id=key) | values)

    def contact(key: str, **values: str) -> tuple[str, dict]:
        return ("contacts", dict(BASE_CONTACTS[2], contact_id=key, email=f"{key.lower()}@example.com") | values)

    def interaction(key: str, **values: str) -> tuple[str, dict]:
        return ("interactions", dict(BASE_INTERACTIONS[0], interaction_id=key) | values)

    number, timestamp = ("unparseable_number",), ("unparseable_timestamp",)
    table = [  # name, row, accepted reasons, owner
        ("quantity_above_bigint", line("Q-BIGINT", quantity="9223372036854775808"), number, "typed"),
        ("company_size_20_digits", contact("Q-SIZE", company_size="99999999999999999999"), number, "typed"),
        ("amount_overflows_decimal38",
         line("Q-AMOUNT", quantity="9000000000000000000", unit_price="99999999999999999999.99"),
         (*number, "amount_out_of_range"), "typed"),
        ("ordered_at_minus_infinity", line("Q-NINF", ordered_at="-infinity"), timestamp, "typed"),
        ("ordered_at_epoch", line("Q-EPOCH", ordered_at="epoch"), timestamp, "typed"),
        ("ordered_at_bc", line("Q-BC", ordered_at="2024-01-01 (BC)"), timestamp, "typed"),
        ("ordered_at_year_10000", line("Q-Y10K", ordered_at="10000-01-01"), timestamp, "typed"),
        ("ordered_at_zone_name", line("Q-ZONE", ordered_at="2024-01-01 10:00 Europe/Paris"), timestamp, "typed"),
        ("ordered_at_unpadded", line("Q-UNPAD", ordered_at="2024-3-5"), timestamp, "typed"),
        ("created_at_infinity", contact("Q-CINF", created_at="infinity"), timestamp, "typed"),
        ("price_nan", line("Q-NAN", unit_price="NaN"), number, "typed"),
        ("rating_huge", interaction("Q-RATEBIG", interaction_type="review", rating="99999999999999999999"),
         ("invalid_rating", *number), "typed"),
        ("ordered_at_feb_30", line("Q-FEB30", ordered_at="2024-02-30T10:00:00Z"), timestamp, "loader"),
        ("quantity_words", line("Q-WORDS", quantity="two"), number, "loader"),
        ("quantity_fraction", line("Q-FRAC", quantity="2.5"), number, "loader"),
        ("price_negative", line("Q-NEG", unit_price="-1"), ("negative_number",), "loader"),
        ("status_unknown", line("Q-STATUS", status="shipped?"), ("unknown_status",), "loader"),
        ("currency_unknown", line("Q-CUR", currency="XXX"), ("unknown_currency", "missing_fx_rate"), "loader"),
        ("contact_unknown", line("Q-WHO", contact_id="NOBODY"), ("unknown_contact",), "loader"),
        ("blank_key", line("  "), ("missing_key",), "loader"),
        ("opt_in_maybe", contact("Q-MAYBE", email_opt_in="maybe"), ("invalid_boolean",), "loader"),
        ("rating_on_email_open", interaction("Q-RATING", rating="5"), ("invalid_rating",), "loader"),
        ("channel_unknown", interaction("Q-CHAN", channel="pigeon"), ("unknown_channel",), "loader"),
    ]
    return [Case(name, "quarantined", row=row, reasons=reasons, owner=owner)
            for name, row, reasons, owner in table]
