"""Deterministic synthetic raw data for a CRM vendor's customer base.

The generator writes three raw extracts -- ``contacts``, ``orders`` (one row per
order line) and ``interactions`` -- the way an OLTP export would deliver them:
time-ordered, keys as strings, a sprinkle of messy-but-normalisable spellings.
Optionally it appends deliberately bad rows so the downstream quarantine can be
tested, and documents them in ``_injected_bad_rows.json``.

Everything is set-based DuckDB SQL. Every pseudo-random number is derived from
``hash(seed, entity_key, 'salt')``, so the output depends only on the arguments
(never on the number of threads) and files are byte-identical across runs.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import json
import os
import pathlib
import tempfile
from collections.abc import Callable, Mapping, Sequence

import duckdb

from segments.contract import raw_tables
from segments.sql import memory_limit

FORMATS = ("csv", "parquet")
BAD_ROWS_FILE = "_injected_bad_rows.json"
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

def _contract_columns() -> dict[str, tuple[str, ...]]:
    """The raw contract's columns per table, in order (declared in the sources YAML)."""
    return {table.name: table.columns for table in raw_tables()}


def _timestamp_columns() -> frozenset[str]:
    return frozenset(column for table in raw_tables() for column in table.timestamps)


# Keys. Good contact ids are 8 digits and stay below the injected range 9xxxxxxx.
MAX_CONTACTS = 89_999_999
INJECTED_CONTACT_BASE = 90_000_000
INJECTED_ORDER_BASE = 900_000_000
INJECTED_INTERACTION_BASE = 900_000_000
UNKNOWN_CONTACT_ID = "99999999"

# Time.
HISTORY_DAYS = 3 * 365 + 1  # "3 years", whatever the leap days
DAY = 86_400
CREATION_GROWTH = 0.6  # the sign-up rate at end_date is 1.6x the rate 3 years earlier

# Share of status / channel / interaction_type values written with a messy spelling.
MESSY_SHARE = 0.02
# Canonical value -> synonym in the seed label_aliases ('e-mail' arrives there as 'e_mail').
SYNONYMS = {"completed": "complete", "cancelled": "canceled", "refunded": "refund",
            "email": "e-mail", "web": "website", "phone": "telephone"}

# --------------------------------------------------------------------------
# Contacts. Weights are relative; a None value means SQL NULL.
# --------------------------------------------------------------------------
SEGMENT_WEIGHTS = {"founder": 22, "marketing": 30, "field_sales": 23, "nonprofit": 15, "misc": 10}

JOB_TITLES = {
    "founder": {"Founder": 30, "Co-founder": 20, "CEO": 30, "Managing Director": 20},
    "marketing": {"Marketing Manager": 35, "Head of Marketing": 20, "CMO": 10,
                  "Growth Marketer": 15, "Marketing Coordinator": 20},
    "field_sales": {"Sales Representative": 30, "Field Sales Manager": 25, "Account Executive": 20,
                    "Regional Sales Director": 10, "Sales Operations Manager": 15},
    "nonprofit": {"Executive Director": 25, "Fundraising Manager": 25,
                  "Volunteer Coordinator": 25, "Communications Officer": 25},
    "misc": {"Consultant": 25, "IT Manager": 20, "Office Manager": 20, "Student": 15, None: 20},
}

INDUSTRIES = {
    "founder": {"Software": 45, "Fintech": 25, "E-commerce": 22, "Professional Services": 8},
    "marketing": {"Retail": 28, "Consumer Goods": 24, "Media": 20, "Software": 20,
                  "Hospitality": 8},
    "field_sales": {"Manufacturing": 30, "Wholesale": 22, "Pharmaceuticals": 20,
                    "Construction": 20, "Healthcare": 8},
    "nonprofit": {"Non-profit": 94, "Education": 4, "Healthcare": 2},
    "misc": {"Education": 17, "Healthcare": 13, "Hospitality": 10,
             "Professional Services": 17, "Public Sector": 10, None: 33},
}

# (min, max) employees, drawn log-uniformly.
COMPANY_SIZES = {"founder": (2, 50), "marketing": (20, 1000), "field_sales": (50, 5000),
                 "nonprofit": (3, 200), "misc": (1, 500)}
NULL_COMPANY_SHARE = {"founder": 0.06, "marketing": 0.07, "field_sales": 0.05,
                      "nonprofit": 0.07, "misc": 0.40}

COMPANY_PREFIXES = ("Acme", "Nordwind", "Bluebird", "Lumen", "Vertex", "Orbit", "Cedar", "Harbor",
                    "Summit", "Atlas", "Nova", "Pioneer", "Helix", "Kestrel", "Maple", "Quartz",
                    "Riviera", "Sable", "Tandem", "Umbra", "Verdant", "Willow", "Zephyr", "Alder",
                    "Beacon", "Crescent", "Delta", "Ember", "Fjord", "Granite")
COMPANY_WORDS = {
    "founder": ("Labs", "Technologies", "Digital", "Apps", "Analytics"),
    "marketing": ("Brands", "Media", "Retail", "Studio", "Consumer"),
    "field_sales": ("Industries", "Manufacturing", "Distribution", "Pharma", "Building Supplies"),
    "nonprofit": ("Foundation", "Association", "Trust", "Alliance", "Relief"),
    "misc": ("Consulting", "Services", "Partners", "Solutions", "Group"),
}
LEGAL_SUFFIXES = {"FR": " SAS", "DE": " GmbH", "AT": " GmbH", "CH": " AG", "GB": " Ltd",
                  "IE": " Ltd", "US": ", Inc.", "CA": ", Inc.", "ES": " S.L.", "IT": " S.r.l.",
                  "NL": " B.V.", "BE": " SRL", "SE": " AB", "PT": " Lda."}

FIRST_NAMES = ("Emma", "Louis", "Léa", "Hugo", "Anna", "Lukas", "Sophie", "Maximilian", "Olivia",
               "James", "Amelia", "Oliver", "Lucía", "Pablo", "Giulia", "Luca", "Sanne", "Daan",
               "Noah", "Chloé", "Emily", "Jacob", "Marie", "Paul", "Elena", "Marco", "Sarah",
               "David", "Laura", "Thomas", "Julia", "Lars", "Mia", "Liam", "Zoé", "Matteo", "Ava",
               "Felix", "Inès", "Ethan")
LAST_NAMES = ("Martin", "Bernard", "Dubois", "Lefèvre", "Müller", "Schmidt", "Schneider",
              "Fischer", "Smith", "Jones", "Taylor", "Brown", "O'Brien", "García", "Fernández",
              "López", "Rossi", "Russo", "Bianchi", "de Jong", "Jansen", "Peeters", "Janssens",
              "Dupont", "Wilson", "Johnson", "Williams", "Meier", "Weber", "Moreau", "Laurent",
              "Romano", "Martínez", "van Dijk", "Novak", "Keller", "Roux", "Evans", "Colombo",
              "Becker")
EMAIL_DOMAINS = {"example.com": 35, "example.org": 15, "example.net": 15, "mail.example": 15,
                 "inbox.example": 10, "post.example": 10}

COUNTRIES = {"FR": 22, "DE": 18, "GB": 14, "US": 10, "ES": 8, "IT": 8, "NL": 7, "BE": 5, "CA": 3,
             "CH": 3, "AT": 0.7, "SE": 0.5, "PT": 0.4, "IE": 0.4}

ACQUISITION_CHANNELS = {
    "founder": {"organic_search": 25, "paid_search": 20, "social": 15, "referral": 20,
                "event": 5, "partner": 5, "direct": 10},
    "marketing": {"organic_search": 20, "paid_search": 20, "social": 25, "referral": 10,
                  "event": 10, "partner": 5, "direct": 10},
    "field_sales": {"organic_search": 15, "paid_search": 15, "social": 5, "referral": 15,
                    "event": 25, "partner": 15, "direct": 10},
    "nonprofit": {"organic_search": 30, "paid_search": 5, "social": 20, "referral": 20,
                  "event": 10, "partner": 10, "direct": 5},
    "misc": {"organic_search": 30, "paid_search": 20, "social": 15, "referral": 10,
             "event": 5, "partner": 5, "direct": 15},
}

NULL_EMAIL_SHARE = 0.05
MESSY_EMAIL_SHARE = 0.03  # upper case or surrounding spaces
OPT_IN_SHARE = 0.72
UNSUBSCRIBE_SHARE = 0.015
OPT_IN_AFTER_UNSUBSCRIBE = 0.1  # most unsubscribers are opted out
NEVER_UPDATED_SHARE = 0.5

# --------------------------------------------------------------------------
# Buying behaviour and orders
# --------------------------------------------------------------------------
BUYER_SHARE = {"founder": 0.58, "marketing": 0.53, "field_sales": 0.58, "nonprofit": 0.43,
               "misc": 0.32}
MEAN_DAYS_TO_FIRST_ORDER = 45
LAPSE_SHARE = 0.4
MEAN_DAYS_ACTIVE_WHEN_LAPSING = 300
MAX_ORDERS_PER_CONTACT = 60
ORDER_TAIL_EXPONENT = 0.85  # P(orders >= k) = k^-0.85 before capping

# Product catalogue: 8 categories x 5 products, list prices in EUR (cheapest sells most).
PRODUCT_PRICES = {
    "crm_core": (49, 99, 199, 499, 1490),
    "predictive_ai": (290, 590, 1190, 2490, 4900),
    "task_automation": (39, 79, 149, 299, 690),
    "social_integration": (29, 59, 119, 249, 490),
    "mobile_crm": (25, 49, 99, 199, 399),
    "campaign_manager": (79, 149, 349, 790, 1590),
    "training": (150, 350, 690, 1200, 2500),
    "support_plan": (99, 249, 499, 990, 1990),
}
PRODUCT_RANK_WEIGHTS = {1: 35, 2: 25, 3: 20, 4: 12, 5: 8}
CATEGORY_WEIGHTS = {
    "founder": {"crm_core": 30, "task_automation": 20, "predictive_ai": 10, "social_integration": 8,
                "mobile_crm": 7, "campaign_manager": 10, "training": 5, "support_plan": 10},
    "marketing": {"crm_core": 20, "campaign_manager": 25, "social_integration": 15,
                  "predictive_ai": 15, "task_automation": 8, "mobile_crm": 4, "training": 5,
                  "support_plan": 8},
    "field_sales": {"crm_core": 25, "mobile_crm": 25, "task_automation": 10, "predictive_ai": 10,
                    "social_integration": 5, "campaign_manager": 5, "training": 10,
                    "support_plan": 10},
    # No predictive AI and no mobile CRM is sold to non-profits: the white space of the demo story
    # (they ask about donor churn, see SEGMENT_TOPICS), which the Abell matrix should flag.
    "nonprofit": {"crm_core": 30, "campaign_manager": 20, "task_automation": 15,
                  "social_integration": 10, "training": 10, "support_plan": 10},
    "misc": {"crm_core": 35, "task_automation": 15, "mobile_crm": 10, "campaign_manager": 10,
             "social_integration": 10, "training": 10, "support_plan": 5, "predictive_ai": 5},
}
LINES_PER_ORDER = {1: 32, 2: 29, 3: 18, 4: 11, 5: 6, 6: 4}
DISCOUNT_SHARE = 0.2
DISCOUNT_RATES = {0.05: 25, 0.10: 30, 0.15: 20, 0.20: 15, 0.25: 5, 0.30: 5}
# country -> (foreign currency, share of orders paid in it, units per EUR)
FOREIGN_CURRENCIES = {"GB": ("GBP", 0.15, 0.85), "US": ("USD", 0.30, 1.08),
                      "CA": ("USD", 0.30, 1.08), "CH": ("CHF", 0.40, 0.95)}

MIN_UNIT_PRICE, MAX_UNIT_PRICE = 20, 5000
PRICE_SIGMA = 0.12  # log-normal noise around the list price
PENDING_SHARE_LAST_2_WEEKS = 0.45
PENDING_SHARE_LAST_6_WEEKS = 0.10
PENDING_SHARE_OLDER = 0.004
CANCELLED_SHARE = 0.05
REFUNDED_SHARE = 0.03
LINE_REFUND_SHARE = 0.012  # lines of completed orders refunded on their own
# What real commerce data holds beside plain lines (generate(commerce_cases=True), make dbt-test):
# shares of orders, and the amounts drawn.
COMMERCE_ORDER_TOTAL_SHARE = 0.02  # single-line orders delivered as an order total, without lines
COMMERCE_GUEST_SHARE = 0.02  # guest checkouts: no contact_id, the buyer's email (upper case) ...
COMMERCE_GUEST_STRANGER_SHARE = 0.1  # ... or, for this share of them, an email no contact has
COMMERCE_ORDER_DISCOUNT_SHARE = 0.05  # orders of 2+ lines with a discount on the whole order ...
COMMERCE_ORDER_DISCOUNT_RATE = 0.1  # ... of this share of their net amount
COMMERCE_SHIPPING_SHARE = 0.3  # orders with shipping and tax (never revenue)
COMMERCE_SHIPPING_AMOUNT = 4.90
COMMERCE_TAX_RATE = 0.2
COMMERCE_REFUND_SHARE = 0.04  # completed orders with a dated refund ...
COMMERCE_REFUND_RATE = 0.3  # ... of this share of the first line (half of them) or of the order
COMMERCE_REFUND_MIN_DAYS, COMMERCE_REFUND_SPREAD_DAYS = 5, 55  # ... issued this many days later

# A demo campaign, so that campaign_results shows a lift it can measure (docs/activation.md): on
# the day CAMPAIGN_DAYS_BEFORE_END days before the end date, the audience CAMPAIGN_AUDIENCE is
# emailed. Its members as the generator knows them (customers whose first order is at most
# CAMPAIGN_NEW_CUSTOMER_DAYS old that day, opted in and never unsubscribed) outside the audience's
# holdout (the draw of audience_members: MD5 of salt|audience|contact_id, var segments_holdout_salt
# and the seed's holdout_share) respond: each places one extra order within the CAMPAIGN_WINDOW_DAYS
# after it with probability CAMPAIGN_RESPONSE_SHARE. The holdout never gets that order, so the true
# lift of the conversion rate is CAMPAIGN_RESPONSE_SHARE x (1 - the holdout's conversion rate).
# `make demo` builds that day and records the sync (`segments record-sync`).
CAMPAIGN_AUDIENCE = "onboard_new_customers"
CAMPAIGN_DAYS_BEFORE_END = 45
CAMPAIGN_NEW_CUSTOMER_DAYS = 90
CAMPAIGN_WINDOW_DAYS = 30
CAMPAIGN_RESPONSE_SHARE = 0.50
CAMPAIGN_ORDER_SEQ = 63  # order keys n * 64 + seq: drawn orders use seq < MAX_ORDERS_PER_CONTACT

# --------------------------------------------------------------------------
# Interactions
# --------------------------------------------------------------------------
# count = floor(scale * (U^-tail - 1) + base): heavy-tailed, ~6% of prospects have none
INTERACTIONS_SCALE_BUYER = 3.6
INTERACTIONS_SCALE_PROSPECT = 3.0
INTERACTIONS_TAIL = 0.6
INTERACTIONS_BASE = 0.9
MAX_INTERACTIONS_PER_CONTACT = 200
DAYS_ENGAGED_AFTER_LAST_ORDER = 90
MEAN_DAYS_PROSPECT_ENGAGED = 365
INTERACTION_TYPES_BUYER = {"email_sent": 34, "email_open": 17, "email_click": 7, "page_view": 15,
                           "form_submit": 5, "content_download": 5, "cart_abandon": 3, "call": 4,
                           "meeting": 2.5, "ticket_opened": 4, "review": 3.5}
INTERACTION_TYPES_PROSPECT = {"email_sent": 36, "email_open": 18, "email_click": 7,
                              "page_view": 18, "form_submit": 6, "content_download": 6,
                              "cart_abandon": 3, "call": 3, "meeting": 2, "ticket_opened": 1}
# Buying intent: a contact about to place its first order researches first. Each future customer
# gets INTENT_SIGNALS_MIN .. INTENT_SIGNALS_MIN + INTENT_SIGNALS_SPREAD - 1 extra interactions of
# these types in the INTENT_WINDOW_DAYS before its first order, denser close to it (days before
# the order = INTENT_WINDOW_DAYS * U^2). This is the behaviour lead scoring (contact_lead_scores)
# can learn: prospects who will convert soon view pages, download content, click and ask more.
INTENT_SIGNALS_MIN = 2
INTENT_SIGNALS_SPREAD = 5
INTENT_WINDOW_DAYS = 60
INTENT_TYPES = {"page_view": 40, "content_download": 20, "email_click": 15, "form_submit": 15,
                "meeting": 10}
SEGMENT_TOPICS = {
    "founder": ("time saving", "automation", "pricing", "contact data", "client follow-up",
                "onboarding"),
    "marketing": ("multichannel campaigns", "email marketing", "social selling",
                  "churn prediction", "customer retention"),
    "field_sales": ("mobile access", "route planning", "sales pipeline", "client follow-up",
                    "contact data"),
    "nonprofit": ("donor management", "volunteer coordination", "data loss", "email marketing",
                  "churn prediction"),
    "misc": ("pricing", "onboarding", "support", "automation", "contact data"),
}
GENERAL_TOPICS = ("pricing", "onboarding", "support", "automation", "data loss", "contact data",
                  "time saving", "customer retention")
EMAIL_WITHOUT_TOPIC_SHARE = 0.3
SEGMENT_TOPIC_SHARE = 0.65
CAMPAIGN_CODES = {"NEWS": 40, "PROMO": 20, "WEBINAR": 15, "NURTURE": 15, "EVENT": 10}
EMAIL_CAMPAIGN_SHARE = 0.9
OTHER_CAMPAIGN_SHARE = 0.08
RATINGS = {1: 6, 2: 7, 3: 12, 4: 30, 5: 45}


@dataclasses.dataclass(frozen=True)
class _Window:
    """The generated history as epoch seconds (UTC), both ends included."""

    start_s: int
    end_s: int

    @classmethod
    def ending(cls, end_date: datetime.date) -> _Window:
        """The HISTORY_DAYS days up to and including end_date 23:59:59 UTC."""
        end = datetime.datetime(end_date.year, end_date.month, end_date.day, 23, 59, 59,
                                tzinfo=datetime.UTC)
        start = end - datetime.timedelta(days=HISTORY_DAYS) + datetime.timedelta(seconds=1)
        return cls(int(start.timestamp()), int(end.timestamp()))


@dataclasses.dataclass(frozen=True)
class _BadRow:
    """An injected raw row (all text), its expected quarantine reason (None: valid), its copies."""

    reason: str | None
    values: Mapping[str, str | None]
    copies: int = 1


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------
def generate(contacts: int, seed: int, out_dir: pathlib.Path, end_date: datetime.date,
             fmt: str = "csv", inject_bad_rows: bool = False,
             progress: Callable[[str], None] | None = None, commerce_cases: bool = False) -> dict[str, int]:
    """Write out_dir/contacts.<fmt>, out_dir/orders.<fmt>, out_dir/interactions.<fmt>.

    Return the row counts per table.

    Args:
        contacts: number of good contacts (1 .. 89,999,999).
        seed: any integer; the files are a pure function of all arguments except ``progress``.
        out_dir: target directory, created if missing; existing files are overwritten.
        end_date: last day of the 3-year history; nothing happens after its 23:59:59 UTC.
        fmt: "csv" (all text, header row, NULL as empty field) or "parquet".
        inject_bad_rows: append documented bad rows and write ``_injected_bad_rows.json``.
        progress: optional callback receiving short human-readable step messages.
        commerce_cases: also write what real commerce data holds (COMMERCE_*): order-level
            discounts, guest checkouts, orders without lines, shipping and tax, and dated refunds
            in refunds.<fmt>. Off: the orders carry none of them and refunds.<fmt> is empty.

    Returns:
        Rows written per table (orders counted in lines), injected rows included.
    """
    _validate(contacts, fmt)
    if isinstance(end_date, datetime.datetime):
        end_date = end_date.date()
    report = progress or (lambda _message: None)
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    bad_rows = _bad_rows(contacts, end_date) if inject_bad_rows else None
    with tempfile.TemporaryDirectory(prefix="segments-generate-") as spill_dir:
        con = _connect(int(seed), pathlib.Path(spill_dir))
        try:
            _build_tables(con, contacts, _Window.ending(end_date), report, commerce_cases)
            counts = {table: _write_table(con, table, out_dir, fmt, bad_rows, report)
                      for table in _contract_columns()}
        finally:
            con.close()
    _remove_other_format(out_dir, fmt)
    _write_bad_rows_manifest(out_dir, bad_rows)
    return counts


def _validate(contacts: int, fmt: str) -> None:
    """Reject arguments the generator cannot honour."""
    if isinstance(contacts, bool) or not isinstance(contacts, int):
        raise TypeError(f"contacts must be an int, got {type(contacts).__name__}")
    if contacts < 1:
        raise ValueError(f"contacts must be at least 1, got {contacts}")
    if contacts > MAX_CONTACTS:
        raise ValueError(
            f"contacts must be at most {MAX_CONTACTS:,} (8-digit ids), got {contacts:,}"
        )
    if fmt not in FORMATS:
        raise ValueError(f"unknown fmt {fmt!r}; expected one of: {', '.join(FORMATS)}")


def _available_threads() -> int:
    """CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _connect(seed: int, spill_dir: pathlib.Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the seeded, hash-based random macros."""
    con = duckdb.connect(":memory:")
    con.execute(f"set threads = {_available_threads()}")
    con.execute(f"set temp_directory = {_lit(str(spill_dir))}")
    con.execute(f"set memory_limit = {_lit(memory_limit())}")
    con.execute(f"""
        -- uniform in [0, 1): a pure function of (seed, key, salt)
        create macro u(k, salt) as (hash({seed}, k, salt) % 1000000007) / 1000000007.0;
        -- exponential with mean 1
        create macro expo(k, salt) as -ln(1 - u(k, salt));
        -- standard normal (Box-Muller)
        create macro gauss(k, salt) as
            sqrt(-2 * ln(1 - u(k, salt || '.r'))) * cos(2 * pi() * u(k, salt || '.a'));
        -- epoch seconds to a (UTC) timestamp
        create macro ts(s) as make_timestamp(s * 1000000);
    """)
    return con


def _build_tables(con: duckdb.DuckDBPyConnection, contacts: int, window: _Window,
                  report: Callable[[str], None], commerce_cases: bool = False) -> None:
    """Generate the good data into the tables the output views read from."""
    report(f"contacts: generating {contacts:,} contacts")
    _create_contact_base(con, contacts, window)
    report("orders: generating orders and order lines")
    _create_products(con)
    _create_order_lines(con, window)
    report("interactions: generating interactions")
    _create_interactions(con)
    _create_order_cases(con, window, commerce_cases)
    _create_output_views(con)


# --------------------------------------------------------------------------
# SQL building helpers
# --------------------------------------------------------------------------
def _lit(value: object) -> str:
    """Render a Python value as a SQL literal."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)


def _pick(u_sql: str, weights: Mapping[object, float]) -> str:
    """SQL choosing a value with the given relative weights, driven by a uniform in [0, 1)."""
    total = sum(weights.values())
    items = list(weights.items())
    clauses, acc = [], 0.0
    for value, weight in items[:-1]:
        acc += weight
        clauses.append(f"when {u_sql} < {acc / total:.6f} then {_lit(value)}")
    return f"case {' '.join(clauses)} else {_lit(items[-1][0])} end"


def _uniform_pick(u_sql: str, values: Sequence[object]) -> str:
    """SQL choosing one of the values with equal probability."""
    return _pick(u_sql, dict.fromkeys(values, 1))


def _case(column: str, branches: Mapping[str, str], default: str = "null") -> str:
    """`case column when <literal key> then <sql> ... end`."""
    whens = " ".join(f"when {_lit(key)} then {sql}" for key, sql in branches.items())
    return f"case {column} {whens} else {default} end"


def _by_segment(branches: Mapping[str, str]) -> str:
    """SQL evaluating a per-segment expression on the hidden `segment` column."""
    return _case("segment", branches)


def _messy(column: str, key_sql: str, salt: str) -> str:
    """SQL keeping `column` canonical except for ~2% spellings that staging normalises back."""
    synonym = _case(column, {k: _lit(v) for k, v in SYNONYMS.items()})
    words = f"string_split(replace({column}, '_', ' '), ' ')"
    title_words = f"array_to_string(list_transform({words}, lambda w: upper(w[1]) || w[2:]), ' ')"
    variant = f"""case floor(u({key_sql}, '{salt}.variant') * 6)
                when 0 then upper({column})
                when 1 then ' ' || upper({column}[1]) || {column}[2:]
                when 2 then {column} || ' '
                when 3 then replace({column}, '_', '-')
                when 4 then {title_words}
                else {synonym}
            end"""
    # a variant that changes nothing (e.g. no '_' to replace) falls back to upper case
    return f"""case when u({key_sql}, '{salt}.messy') >= {MESSY_SHARE} then {column}
            else coalesce(nullif({variant}, {column}), upper({column})) end"""


# --------------------------------------------------------------------------
# Good data: contacts
# --------------------------------------------------------------------------
def _create_contact_base(con: duckdb.DuckDBPyConnection, contacts: int, window: _Window) -> None:
    """Contacts plus the hidden behaviour (segment, buying, engagement) that drives the facts."""
    per_segment = {
        "job_title": {s: _pick("u(n, 'title')", w) for s, w in JOB_TITLES.items()},
        "industry": {s: _pick("u(n, 'industry')", w) for s, w in INDUSTRIES.items()},
        "size_guess": {s: _log_uniform_sql("u(n, 'size')", *r) for s, r in COMPANY_SIZES.items()},
        "company_word": {
            s: _uniform_pick("u(n, 'company_word')", w) for s, w in COMPANY_WORDS.items()
        },
        "acquisition_channel": {
            s: _pick("u(n, 'acquisition')", w) for s, w in ACQUISITION_CHANNELS.items()
        },
        "no_company": {s: f"u(n, 'company') < {v}" for s, v in NULL_COMPANY_SHARE.items()},
        "wants_to_buy": {s: f"u(n, 'buyer') < {v}" for s, v in BUYER_SHARE.items()},
    }
    segment_columns = ", ".join(f"{_by_segment(sql)} as {col}" for col, sql in per_segment.items())
    first_order_delay = _random_duration_sql("first_order", MEAN_DAYS_TO_FIRST_ORDER)
    active_period = _random_duration_sql("lapse_after", MEAN_DAYS_ACTIVE_WHEN_LAPSING)
    prospect_interest = _random_duration_sql("prospect_interest", MEAN_DAYS_PROSPECT_ENGAGED)
    con.execute(f"""
        create table contact_base as
        with numbered as (
            -- position in the sign-up sequence; contact numbers grow with created_at
            select range as n, (range - 1 + u(range, 'created')) / {contacts} as p
            from range(1, {contacts} + 1)
        ),
        profiled as (
            select n,
                   {_created_sql(window)} as created_s,
                   {_pick("u(n, 'segment')", SEGMENT_WEIGHTS)} as segment,
                   {_uniform_pick("u(n, 'first_name')", FIRST_NAMES)} as first_name,
                   {_uniform_pick("u(n, 'last_name')", LAST_NAMES)} as last_name,
                   {_pick("u(n, 'domain')", EMAIL_DOMAINS)} as domain,
                   {_pick("u(n, 'country')", COUNTRIES)} as country,
                   {_uniform_pick("u(n, 'company_prefix')", COMPANY_PREFIXES)} as company_prefix
            from numbered
        ),
        segmented as (
            select *, {segment_columns}
            from profiled
        ),
        buyers as (
            select *,
                   -- first order a few weeks after sign-up; too late means "never ordered (yet)"
                   case when wants_to_buy and created_s + 60 + {first_order_delay} <= {window.end_s}
                        then created_s + 60 + {first_order_delay}
                   end as first_order_s
            from segmented
        ),
        active as (
            select *,
                   -- lapsing customers stop buying after a while, the others stay active
                   case when u(n, 'lapse') < {LAPSE_SHARE}
                        then least({window.end_s}, first_order_s + {active_period})
                        else {window.end_s}
                   end as active_end_s
            from buyers
        ),
        engaged as (
            select *,
                   {_order_count_sql()} as n_orders,
                   case when first_order_s is not null
                        then least({window.end_s},
                                   active_end_s + {DAYS_ENGAGED_AFTER_LAST_ORDER * DAY})
                        else least({window.end_s}, created_s + 3600 + {prospect_interest})
                   end as engage_end_s
            from active
        ),
        consented as (
            select *,
                   case when u(n, 'unsubscribe') < {UNSUBSCRIBE_SHARE}
                        then created_s
                             + floor(u(n, 'unsubscribe_at') * (engage_end_s - created_s))::bigint
                   end as unsub_s
            from engaged
        ),
        lifecycle as (
            select *,
                   case when unsub_s is not null then u(n, 'opt_in') < {OPT_IN_AFTER_UNSUBSCRIBE}
                        else u(n, 'opt_in') < {OPT_IN_SHARE}
                   end as email_opt_in
            from consented
        )
        select n, segment, created_s, first_order_s, active_end_s, n_orders, engage_end_s, unsub_s,
               lpad(n::varchar, 8, '0') as contact_id,
               {_email_sql()} as email,
               first_name, last_name,
               {_company_name_sql()} as company_name,
               job_title, industry,
               case when segment = 'misc' and no_company then null else size_guess
               end as company_size,
               country, acquisition_channel, email_opt_in,
               {_updated_sql(window)} as updated_s,
               {_interaction_count_sql()} as n_interactions
        from lifecycle
    """)


def _created_sql(window: _Window) -> str:
    """Sign-up time for sequence position p: inverse CDF of a linearly growing sign-up rate."""
    g = CREATION_GROWTH
    return (f"{window.start_s} + floor((sqrt(1 + {g * (2 + g)} * p) - 1) / {g}"
            f" * {window.end_s - window.start_s})::bigint")


def _random_duration_sql(salt: str, mean_days: float) -> str:
    """Exponentially distributed seconds for contact `n`, with the given mean in days."""
    return f"floor(expo(n, {_lit(salt)}) * {mean_days * DAY})::bigint"


def _log_uniform_sql(u_sql: str, low: int, high: int) -> str:
    """An integer spread log-uniformly over [low, high]."""
    return f"round(exp(ln({low}) + {u_sql} * (ln({high}) - ln({low}))))::integer"


def _email_sql() -> str:
    """Name-based e-mail, unique via the contact number; some NULL, a few unnormalised."""
    # 'Müller' -> 'muller', "O'Brien" -> 'obrien', 'van Dijk' -> 'vandijk'
    last = "regexp_replace(strip_accents(last_name), '[^A-Za-z]', '', 'g')"
    mixed = f"strip_accents(first_name) || '.' || {last}"
    clean = f"lower({mixed}) || n || '@' || domain"
    return f"""case when u(n, 'email') < {NULL_EMAIL_SHARE} then null
                    when u(n, 'email_style') >= {MESSY_EMAIL_SHARE} then {clean}
                    else case floor(u(n, 'email_variant') * 4)
                        when 0 then {mixed} || n || '@' || upper(domain[1]) || domain[2:]
                        when 1 then upper({clean})
                        when 2 then ' ' || {clean}
                        else {clean} || '  '
                    end
               end"""


def _company_name_sql() -> str:
    """'<Prefix> <Word><legal suffix>' (non-profits have no legal suffix), or NULL."""
    suffix = _case("country", {c: _lit(s) for c, s in LEGAL_SUFFIXES.items()}, default="''")
    return f"""case when no_company then null
                    when segment = 'nonprofit' then company_prefix || ' ' || company_word
                    else company_prefix || ' ' || company_word || {suffix}
               end"""


def _order_count_sql() -> str:
    """Heavy-tailed order count (P(k or more) = k^-a), at most ~one order a week while active."""
    return f"""case when first_order_s is null then 0
                    else least({MAX_ORDERS_PER_CONTACT},
                               floor((1 - u(n, 'order_count')) ^ (-1 / {ORDER_TAIL_EXPONENT})),
                               1 + (active_end_s - first_order_s) // {7 * DAY})::integer
               end"""


def _interaction_count_sql() -> str:
    """Heavy-tailed interaction count; customers interact more than prospects."""
    return f"""least({MAX_INTERACTIONS_PER_CONTACT},
                     floor(case when first_order_s is not null then {INTERACTIONS_SCALE_BUYER}
                                else {INTERACTIONS_SCALE_PROSPECT} end
                           * ((1 - u(n, 'interaction_count')) ^ (-{INTERACTIONS_TAIL}) - 1)
                           + {INTERACTIONS_BASE}))::integer"""


def _updated_sql(window: _Window) -> str:
    """Last update: the unsubscription, or sometime between sign-up and end_date."""
    return f"""case when unsub_s is not null and not email_opt_in then unsub_s
                    when u(n, 'updated') < {NEVER_UPDATED_SHARE} then created_s
                    else created_s
                         + floor(u(n, 'updated_at') ^ 2 * ({window.end_s} - created_s))::bigint
               end"""


# --------------------------------------------------------------------------
# Good data: orders
# --------------------------------------------------------------------------
def _create_products(con: duckdb.DuckDBPyConnection) -> None:
    """The catalogue: 40 products P-0001..P-0040, each in one category with a list price (EUR)."""
    rows = ", ".join(
        f"({_lit(f'P-{5 * c + rank:04d}')}, {_lit(category)}, {rank}, {price})"
        for c, (category, prices) in enumerate(PRODUCT_PRICES.items())
        for rank, price in enumerate(prices, start=1)
    )
    con.execute(f"""
        create table product as
        select * from (values {rows}) as t(product_id, category, price_rank, list_price)
    """)


def _create_order_lines(con: duckdb.DuckDBPyConnection, window: _Window) -> None:
    """Orders spread over each buyer's active period, expanded into priced lines."""
    category = _by_segment(
        {s: _pick("u(okey * 8 + line_number, 'category')", w) for s, w in CATEGORY_WEIGHTS.items()}
    )
    price_rank = _pick("u(okey * 8 + line_number, 'product')", PRODUCT_RANK_WEIGHTS)
    price = f"p.list_price * exp({PRICE_SIGMA} * gauss(lkey, 'price')) * {_fx_rate_sql()}"
    discount_rate = _pick("u(lkey, 'discount_rate')", DISCOUNT_RATES)
    con.execute(f"""
        create table order_line as
        with drawn as (
            select n, segment, contact_id, country, company_size, first_order_s, active_end_s,
                   n_orders, unnest(range(n_orders)) as seq
            from contact_base
            where n_orders > 0
        ),
        campaign_responses as (
            -- the demo campaign's responders (CAMPAIGN_*): one extra order each
            select n, segment, contact_id, country, company_size, first_order_s, active_end_s,
                   n_orders, {CAMPAIGN_ORDER_SEQ} as seq
            from contact_base
            where {_campaign_treated_sql(window)}
              and u(n, 'campaign_response') < {CAMPAIGN_RESPONSE_SHARE}
        ),
        expanded as (
            select * from drawn
            union all
            select * from campaign_responses
        ),
        timed as (
            -- the first order opens the active period, the others fall in equal slices of it
            select *, n * 64 + seq as okey,
                   case when seq = {CAMPAIGN_ORDER_SEQ}
                        then {_campaign_day_s(window)}
                             + floor(u(n * 64 + seq, 'order_time') * {CAMPAIGN_WINDOW_DAYS * DAY})::bigint
                        else first_order_s + case when seq = 0 then 0
                            else floor((active_end_s - first_order_s)
                                       * (seq + u(n * 64 + seq, 'order_time')) / n_orders)::bigint
                            end
                   end as ordered_s
            from expanded
        ),
        orders as (
            select *,
                   row_number() over (order by ordered_s, n, seq) as order_num,
                   {_currency_sql()} as currency,
                   {_pick("u(okey, 'lines')", LINES_PER_ORDER)} as n_lines,
                   {_order_status_sql(window)} as order_status
            from timed
        ),
        lines as (
            select *, unnest(range(1, n_lines + 1)) as line_number
            from orders
        ),
        chosen as (
            select *, okey * 8 + line_number as lkey,
                   {category} as category,
                   {price_rank} as price_rank
            from lines
        ),
        priced as (
            select c.*, p.product_id, {_quantity_sql()} as quantity,
                   round(least({MAX_UNIT_PRICE}, greatest({MIN_UNIT_PRICE}, {price})),
                         2)::decimal(12, 2) as unit_price,
                   -- partial refunds: single lines of completed orders
                   case when order_status = 'completed'
                         and u(lkey, 'line_refund') < {LINE_REFUND_SHARE} then 'refunded'
                        else order_status
                   end as line_status
            from chosen as c
            join product as p using (category, price_rank)
        )
        select order_num, line_number, contact_id, ordered_s, product_id, category, quantity,
               unit_price, currency, line_status,
               {_messy("line_status", "lkey", "status")} as status,
               case when u(lkey, 'discount') < {DISCOUNT_SHARE}
                    then round(quantity * unit_price * {discount_rate}, 2)
                    else 0
               end::decimal(12, 2) as discount_amount
        from priced
    """)


def _campaign_day_s(window: _Window) -> int:
    """Epoch seconds of the start (00:00 UTC) of the demo campaign's day."""
    return (window.end_s // DAY - CAMPAIGN_DAYS_BEFORE_END) * DAY


def _campaign_treated_sql(window: _Window) -> str:
    """Whether a contact_base row is a treated member of the demo campaign (see CAMPAIGN_*)."""
    salt, share = _holdout_draw(CAMPAIGN_AUDIENCE)
    day = _campaign_day_s(window)
    digits = " + ".join(
        f"(position(substr(md5({_lit(salt + '|' + CAMPAIGN_AUDIENCE + '|')} || contact_id), {place + 1}, 1)"
        f" in '0123456789abcdef') - 1) * {16 ** (3 - place)}"
        for place in range(4)
    )
    return f"""(first_order_s is not null
              and first_order_s < {day + DAY}
              and first_order_s >= {day + DAY - (CAMPAIGN_NEW_CUSTOMER_DAYS + 1) * DAY}
              and email is not null and email_opt_in and unsub_s is null
              and ({digits}) >= {share} * 65536)"""


def _holdout_draw(audience: str) -> tuple[str, float]:
    """The holdout salt (var segments_holdout_salt) and the audience's holdout_share (seed audiences)."""
    from segments.project import project_dir, project_vars

    with (project_dir() / "seeds" / "audiences.csv").open(encoding="utf-8", newline="") as handle:
        shares = {row["audience_name"]: row.get("holdout_share") or "0" for row in csv.DictReader(handle)}
    return str(project_vars()["segments_holdout_salt"]), float(shares.get(audience, "0"))


def _currency_sql() -> str:
    """Order currency: EUR, except a share of orders from GB, US, CA and CH."""
    whens = " ".join(
        f"when country = {_lit(country)} and u(okey, 'currency') < {share} then {_lit(currency)}"
        for country, (currency, share, _) in FOREIGN_CURRENCIES.items()
    )
    return f"case {whens} else 'EUR' end"


def _fx_rate_sql() -> str:
    """Units of the order currency per EUR."""
    rates = {currency: str(rate) for currency, _, rate in FOREIGN_CURRENCIES.values()}
    return _case("currency", rates, default="1")


def _order_status_sql(window: _Window) -> str:
    """Order-level status; orders of the last weeks are often still pending."""
    age_s = f"{window.end_s} - ordered_s"
    pending = f"""case when {age_s} < {14 * DAY} then {PENDING_SHARE_LAST_2_WEEKS}
                       when {age_s} < {42 * DAY} then {PENDING_SHARE_LAST_6_WEEKS}
                       else {PENDING_SHARE_OLDER} end"""
    refunded_below = f"{pending} + {CANCELLED_SHARE + REFUNDED_SHARE}"
    return f"""case when u(okey, 'status') < {pending} then 'pending'
                    when u(okey, 'status') < {pending} + {CANCELLED_SHARE} then 'cancelled'
                    when u(okey, 'status') < {refunded_below} then 'refunded'
                    else 'completed'
               end"""


def _quantity_sql() -> str:
    """Seats for licences (more in bigger companies), usually 1 for services."""
    seat_scale = "greatest(0.5, ln(coalesce(company_size, 2)) / 2)"
    return f"""case when category in ('training', 'support_plan')
                        then 1 + (u(lkey, 'quantity') < 0.1)::integer
                    when category in ('crm_core', 'mobile_crm')
                        then least(100, 1 + floor(expo(lkey, 'quantity') * {seat_scale}))::integer
                    else least(20, 1 + floor(expo(lkey, 'quantity') * 0.6))::integer
               end"""


# --------------------------------------------------------------------------
# Good data: interactions
# --------------------------------------------------------------------------
def _create_interactions(con: duckdb.DuckDBPyConnection) -> None:
    """Marketing, web, sales and support touch points over each contact's engaged period."""
    buyer_type = _pick("u(n * 256 + seq, 'type')", INTERACTION_TYPES_BUYER)
    prospect_type = _pick("u(n * 256 + seq, 'type')", INTERACTION_TYPES_PROSPECT)
    intent_type = _pick("u(n * 256 + 200 + k, 'intent_type')", INTENT_TYPES)
    con.execute(f"""
        create table interaction as
        with expanded as (
            select n, contact_id, segment, created_s, engage_end_s, unsub_s, email_opt_in,
                   first_order_s is not null as is_buyer,
                   unnest(range(n_interactions)) as seq
            from contact_base
            where n_interactions > 0
        ),
        drawn as (
            select n, contact_id, segment, unsub_s, email_opt_in, seq, n * 256 + seq as ikey,
                   created_s
                   + floor(u(n * 256 + seq, 'occurred') * (engage_end_s - created_s))::bigint
                       as occurred_s,
                   case when is_buyer then {buyer_type} else {prospect_type} end as interaction_type
            from expanded
        ),
        intent as (
            -- research before the first order (INTENT_*); seq 200.. never collides with drawn ones
            select n, contact_id, segment, unsub_s, email_opt_in, 200 + k as seq,
                   n * 256 + 200 + k as ikey,
                   greatest(created_s,
                            first_order_s
                            - floor(u(n * 256 + 200 + k, 'intent_at') ^ 2
                                    * {INTENT_WINDOW_DAYS * DAY})::bigint) as occurred_s,
                   {intent_type} as interaction_type
            from (
                select *, unnest(range({INTENT_SIGNALS_MIN}
                                       + floor(u(n, 'intent_count') * {INTENT_SIGNALS_SPREAD})::bigint)) as k
                from contact_base
                where first_order_s is not null
            )
        ),
        unsubscribes as (
            select n, contact_id, segment, unsub_s, email_opt_in, 255 as seq, n * 256 + 255 as ikey,
                   unsub_s as occurred_s, 'unsubscribe' as interaction_type
            from contact_base
            where unsub_s is not null
        ),
        researched as (
            select * from drawn
            union all by name
            select * from intent
        ),
        events as (
            select * from researched
            -- no marketing e-mail after an unsubscription
            where not (interaction_type like 'email%'
                       and unsub_s is not null and occurred_s > unsub_s)
            union all by name
            select * from unsubscribes
        ),
        described as (
            select *,
                   row_number() over (order by occurred_s, n, seq) as interaction_num,
                   {_channel_sql()} as channel,
                   {_topic_sql()} as topic,
                   {_campaign_sql()} as campaign_id,
                   case when interaction_type = 'review'
                        then {_pick("u(ikey, 'rating')", RATINGS)}
                   end as rating
            from events
        )
        select interaction_num, contact_id, occurred_s, topic, campaign_id, rating,
               {_messy("channel", "ikey", "channel")} as channel,
               {_messy("interaction_type", "ikey", "interaction_type")} as interaction_type
        from described
    """)


def _channel_sql() -> str:
    """The channel an interaction type happens on."""
    return _case("interaction_type", {
        **dict.fromkeys(("email_sent", "email_open", "email_click", "unsubscribe"), "'email'"),
        **dict.fromkeys(("page_view", "form_submit", "content_download", "cart_abandon"), "'web'"),
        "call": "'phone'",
        "meeting": "case when u(ikey, 'channel') < 0.5 then 'event' else 'phone' end",
        "ticket_opened": "'support'",
        "review": "case when u(ikey, 'channel') < 0.7 then 'web' else 'social' end",
    })


def _topic_sql() -> str:
    """Mostly the contact's client-group themes; tickets are about support."""
    segment_topic = _by_segment(
        {s: _uniform_pick("u(ikey, 'topic')", t) for s, t in SEGMENT_TOPICS.items()}
    )
    return f"""case when interaction_type = 'unsubscribe' then null
                    when interaction_type = 'email_sent'
                         and u(ikey, 'topic_kind') < {EMAIL_WITHOUT_TOPIC_SHARE} then null
                    when interaction_type = 'ticket_opened'
                         and u(ikey, 'topic_kind') < 0.6 then 'support'
                    when u(ikey, 'topic_kind') < {SEGMENT_TOPIC_SHARE} then {segment_topic}
                    else {_uniform_pick("u(ikey, 'topic')", GENERAL_TOPICS)}
               end"""


def _campaign_sql() -> str:
    """Monthly campaign codes on most marketing e-mails, on few other touch points."""
    code = _pick("u(ikey, 'campaign_code')", CAMPAIGN_CODES)
    campaign = f"'CMP-' || strftime(ts(occurred_s), '%Y-%m') || '-' || {code}"
    # contacts who never opted in only get transactional e-mail (no campaign)
    marketable = "(email_opt_in or unsub_s is not null)"
    return f"""case when interaction_type like 'email%' or interaction_type = 'unsubscribe'
                        then case when {marketable} and u(ikey, 'campaign') < {EMAIL_CAMPAIGN_SHARE}
                                  then {campaign} end
                    when u(ikey, 'campaign') < {OTHER_CAMPAIGN_SHARE} then {campaign}
               end"""


def _create_order_cases(con: duckdb.DuckDBPyConnection, window: _Window, enabled: bool) -> None:
    """Per order, what real commerce data holds beside plain lines (COMMERCE_*; nothing unless
    enabled), and the dated refunds of completed orders (`refund_event`)."""
    on = "true" if enabled else "false"
    con.execute(f"""
        create table order_cases as
        with orders as (
            select order_num, min(ordered_s) as ordered_s, min(contact_id) as contact_id,
                   count(*) as order_lines,
                   sum(quantity * unit_price - discount_amount) as order_net,
                   bool_and(line_status = 'completed') as all_completed
            from order_line
            group by order_num
        )
        select o.*,
               {on} and o.order_lines = 1 and u(order_num, 'order_total') < {COMMERCE_ORDER_TOTAL_SHARE}
                   as is_order_total,
               {on} and b.email is not null and u(order_num, 'guest') < {COMMERCE_GUEST_SHARE} as is_guest,
               -- a guest's email as typed at checkout: upper case; now and then one no contact has
               case when u(order_num, 'guest_stranger') < {COMMERCE_GUEST_STRANGER_SHARE}
                    then 'guest.' || upper(b.email) else upper(b.email) end as contact_email,
               case when {on} and o.order_lines >= 2
                         and u(order_num, 'order_discount') < {COMMERCE_ORDER_DISCOUNT_SHARE}
                    then round(o.order_net * {COMMERCE_ORDER_DISCOUNT_RATE}, 2)::decimal(12, 2)
               end as order_discount_amount,
               case when {on} and u(order_num, 'shipping') < {COMMERCE_SHIPPING_SHARE}
                    then {COMMERCE_SHIPPING_AMOUNT}::decimal(12, 2)
               end as shipping_amount,
               case when {on} and u(order_num, 'shipping') < {COMMERCE_SHIPPING_SHARE}
                    then round(o.order_net * {COMMERCE_TAX_RATE}, 2)::decimal(12, 2)
               end as tax_amount
        from orders as o
        join contact_base as b using (contact_id);

        create table refund_event as
        with refunded as (
            -- a part of the first line, or of the whole order, given back days or weeks later
            select l.order_num,
                   case when u(l.order_num, 'refund_scope') < 0.5 and not c.is_order_total
                        then '1' end as line_number,
                   l.ordered_s + ({COMMERCE_REFUND_MIN_DAYS}
                       + floor(u(l.order_num, 'refund_days') * {COMMERCE_REFUND_SPREAD_DAYS}))::bigint * {DAY}
                       as refunded_s,
                   case when u(l.order_num, 'refund_scope') < 0.5 and not c.is_order_total
                        then round((l.quantity * l.unit_price - l.discount_amount) * {COMMERCE_REFUND_RATE}, 2)
                        else round(c.order_net * {COMMERCE_REFUND_RATE}, 2)
                   end::decimal(12, 2) as amount
            from order_line as l
            join order_cases as c using (order_num)
            where {on} and l.line_number = 1 and c.all_completed
              and u(l.order_num, 'refund') < {COMMERCE_REFUND_SHARE}
        )
        select 'REF-' || lpad(order_num::varchar, 9, '0') as refund_id,
               'ORD-' || lpad(order_num::varchar, 9, '0') as order_id, *
        from refunded
        where refunded_s <= {window.end_s} and amount > 0
    """)


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------
def _create_output_views(con: duckdb.DuckDBPyConnection) -> None:
    """Typed, contract-shaped views with hidden sort keys (time, then key)."""
    con.execute("""
        create view contacts_out as
        select contact_id, email, first_name, last_name, company_name, job_title, industry,
               company_size, country, acquisition_channel, email_opt_in,
               ts(created_s) as created_at, ts(updated_s) as updated_at,
               created_s as _sort_time, n as _sort_key, 0 as _sort_line
        from contact_base;

        create view orders_out as
        select 'ORD-' || lpad(order_num::varchar, 9, '0') as order_id,
               case when c.is_order_total then null else line_number::integer end as line_number,
               case when c.is_guest then null else l.contact_id end as contact_id,
               ts(l.ordered_s) as ordered_at, status,
               product_id, category as product_category,
               case when c.is_order_total then null else quantity end as quantity,
               case when c.is_order_total then quantity * unit_price else unit_price end as unit_price,
               discount_amount, currency,
               -- given on the first line only, as an export that writes order fields once does
               case when line_number = 1 then c.order_discount_amount end as order_discount_amount,
               c.shipping_amount, c.tax_amount,
               case when c.is_guest then c.contact_email end as contact_email,
               l.ordered_s as _sort_time, order_num as _sort_key, line_number as _sort_line
        from order_line as l
        join order_cases as c using (order_num);

        create view interactions_out as
        select 'INT-' || lpad(interaction_num::varchar, 9, '0') as interaction_id, contact_id,
               ts(occurred_s) as occurred_at, channel, interaction_type, topic, campaign_id, rating,
               occurred_s as _sort_time, interaction_num as _sort_key, 0 as _sort_line
        from interaction;

        create view refunds_out as
        select refund_id, order_id, line_number, ts(refunded_s) as refunded_at, amount,
               refunded_s as _sort_time, order_num as _sort_key, coalesce(line_number::integer, 0) as _sort_line
        from refund_event;
    """)


def _as_text(column: str) -> str:
    """SQL rendering a typed output column as contract text."""
    if column in _timestamp_columns():
        return f"strftime({column}, '{TIMESTAMP_FORMAT}') as {column}"
    return f"{column}::varchar as {column}"


def _output_query(table: str, as_text: bool, with_bad_rows: bool) -> str:
    """The totally ordered select for one file: good rows by time, then any injected rows."""
    names = ", ".join(_contract_columns()[table])
    if not as_text:
        return f"select {names} from {table}_out order by _sort_time, _sort_key, _sort_line"
    texts = ", ".join(_as_text(c) for c in _contract_columns()[table])
    parts = [f"select 0 as _part, _sort_time, _sort_key, _sort_line, {texts} from {table}_out"]
    if with_bad_rows:
        parts.append(f"select 1, _row, 0, 0, {names} from {table}_bad")
    return (f"select {names} from ({' union all '.join(parts)}) "
            f"order by _part, _sort_time, _sort_key, _sort_line")


def _write_table(con: duckdb.DuckDBPyConnection, table: str, out_dir: pathlib.Path, fmt: str,
                 bad_rows: Mapping[str, Sequence[_BadRow]] | None,
                 report: Callable[[str], None]) -> int:
    """COPY one table to out_dir/<table>.<fmt> and return its row count."""
    path = out_dir / f"{table}.{fmt}"
    if bad_rows is not None:
        _create_bad_table(con, table, bad_rows[table])
    # bad values ('lots', 'not-a-date') only fit text columns, so injected parquet is all text
    as_text = fmt == "csv" or bad_rows is not None
    query = _output_query(table, as_text, with_bad_rows=bad_rows is not None)
    options = ("format csv, header true, delimiter ','" if fmt == "csv"
               else "format parquet, compression zstd")
    report(f"{table}: writing {path.name}")
    (count,) = con.execute(f"copy ({query}) to {_lit(str(path))} ({options})").fetchone()
    report(f"{table}: {count:,} rows written")
    return count


# --------------------------------------------------------------------------
# Injected bad rows
# --------------------------------------------------------------------------
def _create_bad_table(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[_BadRow]) -> None:
    """Load injected rows (all text, copies expanded) into `<table>_bad` with an ordinal `_row`."""
    columns = _contract_columns()[table]
    expanded = [row.values for row in rows for _ in range(row.copies)]
    if not expanded:
        casts = ", ".join(f"null::varchar as {c}" for c in columns)
        con.execute(f"create or replace table {table}_bad as select 0 as _row, {casts} where false")
        return
    values = ", ".join(
        "(" + ", ".join([str(ordinal)] + [_lit(values.get(c)) for c in columns]) + ")"
        for ordinal, values in enumerate(expanded, start=1)
    )
    casts = ", ".join(f"{c}::varchar as {c}" for c in columns)
    con.execute(f"""
        create or replace table {table}_bad as
        select _row, {casts} from (values {values}) as t(_row, {', '.join(columns)})
    """)


def _bad_rows(contacts: int, end_date: datetime.date) -> dict[str, list[_BadRow]]:
    """Injected rows per table, each with exactly one problem (or none, where it must pass)."""
    stamp = f"{end_date - datetime.timedelta(days=5)}T10:00:00Z"
    exact_duplicate_contact = f"{INJECTED_CONTACT_BASE + 7:08d}"
    first_good = "00000001"
    second_good = "00000002" if contacts >= 2 else exact_duplicate_contact
    return {
        "contacts": _bad_contacts(stamp),
        "orders": _bad_orders(stamp, first_good, second_good),
        "interactions": _bad_interactions(stamp, first_good),
        "refunds": _bad_refunds(stamp),
    }


def _bad_contacts(stamp: str) -> list[_BadRow]:
    """Injected contacts with new ids 9000000x."""
    def contact(number: int, **changes: str | None) -> dict[str, str | None]:
        return {"contact_id": f"{INJECTED_CONTACT_BASE + number:08d}",
                "email": f"injected.row{number}@example.com", "first_name": "Test",
                "last_name": f"Row{number}", "company_name": "Injected Data Ltd",
                "job_title": "Consultant",
                "industry": "Software", "company_size": "10", "country": "FR",
                "acquisition_channel": "direct", "email_opt_in": "true",
                "created_at": stamp, "updated_at": stamp, **changes}

    return [
        _BadRow("missing_key", contact(1, contact_id=None)),
        _BadRow("missing_key", contact(2, contact_id=None)),
        _BadRow("missing_key", contact(3, contact_id="   ")),
        _BadRow("missing_key", contact(4, contact_id=" ")),
        _BadRow("conflicting_duplicate_key", contact(5, job_title="CEO")),
        _BadRow("conflicting_duplicate_key", contact(5, job_title="CMO")),
        _BadRow("conflicting_duplicate_key", contact(6, country="DE")),
        _BadRow("conflicting_duplicate_key", contact(6, country="FR", email_opt_in="false")),
        _BadRow(None, contact(7), copies=3),
        _BadRow("unparseable_timestamp", contact(8, created_at="not-a-date")),
        _BadRow("unparseable_timestamp", contact(9, created_at="2024-02-30T10:00:00Z")),
        _BadRow("unparseable_timestamp", contact(10, created_at="2024-13-01T00:00:00Z")),
        _BadRow("unparseable_number", contact(11, company_size="lots")),
        _BadRow("unparseable_number", contact(12, company_size="ten")),
        _BadRow("invalid_boolean", contact(13, email_opt_in="maybe")),
        _BadRow("invalid_boolean", contact(14, email_opt_in="sometimes")),
        # a change feed's two versions of one contact: the newer updated_at wins
        _BadRow("superseded_version", contact(15, job_title="Analyst",
                                              updated_at=stamp.replace("T10:", "T09:"))),
        _BadRow(None, contact(15, job_title="Head of Analytics")),
    ]


def _bad_orders(stamp: str, first_good: str, second_good: str) -> list[_BadRow]:
    """Injected order lines, each in its own new order ORD-9xxxxxxxx, for existing contacts."""
    def line(number: int, **changes: str | None) -> dict[str, str | None]:
        return {"order_id": f"ORD-{INJECTED_ORDER_BASE + number:09d}", "line_number": "1",
                "contact_id": first_good, "ordered_at": stamp, "status": "completed",
                "product_id": "P-0001", "product_category": "crm_core", "quantity": "1",
                "unit_price": "49.00", "discount_amount": "0.00", "currency": "EUR", **changes}

    return [
        _BadRow("missing_key", line(1, order_id=None)),
        _BadRow("missing_key", line(2, order_id=None, quantity="2")),
        _BadRow(None, line(3, line_number=None)),  # an order without lines: one order-total row, valid
        _BadRow("missing_key", line(4, contact_id=None)),  # neither a contact nor a guest's email
        _BadRow("conflicting_duplicate_key", line(5, quantity="1")),
        _BadRow("conflicting_duplicate_key", line(5, quantity="3")),
        _BadRow(None, line(6), copies=3),
        _BadRow("negative_quantity", line(7, quantity="-2")),
        _BadRow("negative_quantity", line(8, quantity="-1")),
        _BadRow(None, line(9, status="refunded", quantity="-1")),  # a return line: valid
        _BadRow("unknown_status", line(10, status="shipped")),
        _BadRow("unknown_status", line(11, status="shipped")),
        _BadRow("unknown_currency", line(12, currency="ZZZ")),
        _BadRow("unknown_currency", line(13, currency="ZZZ")),
        _BadRow("unknown_contact", line(14, contact_id=UNKNOWN_CONTACT_ID)),
        _BadRow("unknown_contact", line(15, contact_id=UNKNOWN_CONTACT_ID)),
        _BadRow("unparseable_timestamp", line(16, ordered_at="yesterday")),
        _BadRow("unparseable_timestamp", line(17, ordered_at="2024-02-30T10:00:00Z")),
        _BadRow("unparseable_number", line(18, quantity="two")),
        _BadRow("unparseable_number", line(19, unit_price="free")),
        _BadRow("missing_required_value", line(20, unit_price=None)),
        _BadRow("missing_required_value", line(21, unit_price=None)),
        _BadRow("inconsistent_order", line(22, line_number="1", contact_id=first_good)),
        _BadRow("inconsistent_order", line(22, line_number="2", contact_id=second_good)),
        _BadRow("discount_exceeds_line", line(23, quantity="1", discount_amount="60.00")),
        _BadRow("discount_exceeds_order", line(24, order_discount_amount="60.00")),
        _BadRow("inconsistent_order", line(25, line_number=None)),  # an order total beside a line
        _BadRow("inconsistent_order", line(25, line_number="1")),
        _BadRow("inconsistent_order", line(26, line_number="1", shipping_amount="5.00")),
        _BadRow("inconsistent_order", line(26, line_number="2", shipping_amount="6.00")),
        _BadRow("negative_number", line(27, shipping_amount="-1.00")),
        _BadRow("unparseable_number", line(28, tax_amount="twenty")),
        _BadRow("unmatched_guest_email", line(29, contact_id=None, contact_email="nobody@example.invalid")),
    ]


def _bad_refunds(stamp: str) -> list[_BadRow]:
    """Injected refunds REF-9xxxxxxxx: bad on their own, or of an order that does not exist."""
    def refund(number: int, **changes: str | None) -> dict[str, str | None]:
        return {"refund_id": f"REF-{INJECTED_ORDER_BASE + number:09d}",
                "order_id": f"ORD-{INJECTED_ORDER_BASE + 3:09d}",  # the injected order-total order
                "line_number": None, "refunded_at": stamp, "amount": "5.00", **changes}

    return [
        _BadRow(None, refund(1)),  # a partial refund of a valid order: applied
        _BadRow("missing_key", refund(2, refund_id=None)),
        _BadRow("missing_required_value", refund(3, amount=None)),
        _BadRow("unparseable_timestamp", refund(4, refunded_at="soon")),
        _BadRow("unparseable_number", refund(5, amount="five")),
        _BadRow("negative_number", refund(6, amount="-5.00")),
        _BadRow("conflicting_duplicate_key", refund(7, amount="1.00")),
        _BadRow("conflicting_duplicate_key", refund(7, amount="2.00")),
        _BadRow("unknown_order", refund(8, order_id="ORD-NOWHERE")),
        _BadRow("refund_exceeds_sale", refund(9, order_id=f"ORD-{INJECTED_ORDER_BASE + 6:09d}", amount="500.00")),
    ]


def _bad_interactions(stamp: str, good_contact: str) -> list[_BadRow]:
    """Injected interactions with new ids INT-9xxxxxxxx, for an existing contact."""
    def event(number: int, **changes: str | None) -> dict[str, str | None]:
        return {"interaction_id": f"INT-{INJECTED_INTERACTION_BASE + number:09d}",
                "contact_id": good_contact, "occurred_at": stamp, "channel": "web",
                "interaction_type": "page_view", "topic": "pricing", "campaign_id": None,
                "rating": None, **changes}

    review = {"interaction_type": "review", "channel": "web"}
    return [
        _BadRow("missing_key", event(1, interaction_id=None)),
        _BadRow("missing_key", event(2, interaction_id=None, topic="onboarding")),
        _BadRow("conflicting_duplicate_key", event(3, topic="pricing")),
        _BadRow("conflicting_duplicate_key", event(3, topic="onboarding")),
        _BadRow(None, event(4), copies=3),
        _BadRow("unknown_channel", event(5, channel="fax")),
        _BadRow("unknown_channel", event(6, channel="fax")),
        _BadRow("unknown_interaction_type", event(7, interaction_type="telepathy")),
        _BadRow("unknown_interaction_type", event(8, interaction_type="telepathy")),
        _BadRow("unknown_contact", event(9, contact_id=UNKNOWN_CONTACT_ID)),
        _BadRow("unknown_contact", event(10, contact_id=UNKNOWN_CONTACT_ID)),
        _BadRow("unparseable_timestamp", event(11, occurred_at="not-a-date")),
        _BadRow("unparseable_timestamp", event(12, occurred_at="2024-02-30T10:00:00Z")),
        _BadRow("invalid_rating", event(13, **review, rating="7")),
        _BadRow("invalid_rating", event(14, **review, rating="0")),
        _BadRow("invalid_rating", event(15, rating="4")),
        _BadRow("invalid_rating", event(16, rating="4")),
    ]


def _reason_counts(rows: Sequence[_BadRow]) -> dict[str, int]:
    """Injected raw rows per expected quarantine reason, plus the exact duplicates to collapse."""
    counts: dict[str, int] = {}
    for row in rows:
        if row.reason is not None:
            counts[row.reason] = counts.get(row.reason, 0) + row.copies
    counts["exact_duplicates_collapsed"] = sum(row.copies - 1 for row in rows)
    return counts


def _remove_other_format(out_dir: pathlib.Path, fmt: str) -> None:
    """Delete this generator's files in the other format: the loader wants exactly one per table."""
    for other in FORMATS:
        if other != fmt:
            for table in _contract_columns():
                (out_dir / f"{table}.{other}").unlink(missing_ok=True)


def _write_bad_rows_manifest(out_dir: pathlib.Path,
                             bad_rows: Mapping[str, Sequence[_BadRow]] | None) -> None:
    """Write _injected_bad_rows.json, or remove a stale one when nothing was injected."""
    path = out_dir / BAD_ROWS_FILE
    if bad_rows is None:
        path.unlink(missing_ok=True)
        return
    manifest = {table: _reason_counts(rows) for table, rows in bad_rows.items()}
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
