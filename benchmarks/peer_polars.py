"""The polars peer of benchmark issue 6: the same per-contact table as peer_pandas.py, as one lazy query
(scan_parquet / scan_csv ... collect) that polars optimises as a whole.

Usage: peer_polars.py DATA_DIR OUT.parquet --as-of-date YYYY-MM-DD [--project-dir DIR]
                      [--engine {in-memory,streaming}]

--engine picks the engine that collects the query: in-memory (the default) or polars' streaming engine,
which processes it in batches. Both run the same query and give the same table. (polars 2's own default,
engine="auto", is the streaming engine: the engine is always named, so the contender is what it says.)

Same rules as the pandas peer: exact duplicates collapse, labels are normalised through the seeds,
orders are kept whole or dropped whole, money is exact integer arithmetic rounded half away from zero to
the cent, scores are the tie-aware 1 + floor(k (rank - 1) / n) with rank(method="min").
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import polars as pl
from bench_params import OUTPUT_COLUMNS, PROJECT_DIR, Params, load_params

EPOCH = dt.date(1970, 1, 1)
ENGINES = ("in-memory", "streaming")


# ---------------------------------------------------------------------------------------------- reading
def scan_raw(data_dir: Path, table: str) -> pl.LazyFrame:
    """One raw export, lazily, exact duplicate rows collapsed (staging does the same)."""
    parquet, csv = data_dir / f"{table}.parquet", data_dir / f"{table}.csv"
    if parquet.is_file():
        frame = pl.scan_parquet(parquet)
    elif csv.is_file():
        frame = pl.scan_csv(csv, infer_schema=False)
    else:
        raise FileNotFoundError(f"{data_dir}: no {table}.parquet or {table}.csv")
    return frame.unique()


def read_seed(params: Params, name: str) -> pl.DataFrame:
    """A seed CSV, every column as text (empty fields are null)."""
    return pl.read_csv(params.seeds_dir / f"{name}.csv", infer_schema=False)


# ---------------------------------------------------------------------------------------------- parsing
def text(column: str) -> pl.Expr:
    """Trimmed text, blank as null."""
    trimmed = pl.col(column).cast(pl.String).str.strip_chars(" ")
    return pl.when(trimmed != "").then(trimmed)


def label_key(column: str) -> pl.Expr:
    """The normalised spelling: lower case, trimmed, '-' and ' ' as '_', blank as null."""
    key = text(column).str.to_lowercase().str.replace_all("-", "_", literal=True)
    key = key.str.replace_all(" ", "_", literal=True)
    return pl.when(key != "").then(key)


def number(schema: pl.Schema, column: str) -> pl.Expr:
    """A Float64 from typed or text values; null where the text is not a number."""
    if schema[column] == pl.String:
        return text(column).cast(pl.Float64, strict=False)
    return pl.col(column).cast(pl.Float64)


def utc_timestamp(schema: pl.Schema, column: str) -> pl.Expr:
    """A naive UTC Datetime from typed or ISO 8601 text timestamps (with or without an offset)."""
    if schema[column] == pl.String:
        parsed = text(column).str.to_datetime(time_zone="UTC", strict=False, time_unit="us")
        return parsed.dt.replace_time_zone(None)
    return pl.col(column).cast(pl.Datetime("us"))


def day_number(stamp: pl.Expr) -> pl.Expr:
    """Days since 1970-01-01."""
    return stamp.dt.date().cast(pl.Int32)


def spellings(params: Params, domain: str) -> dict[str, str]:
    """spelling -> label for one label domain (seeds labels and label_aliases)."""
    labels = read_seed(params, "labels").select("label_domain", pl.col("label").alias("spelling"), "label")
    aliases = read_seed(params, "label_aliases").select("label_domain", pl.col("alias").alias("spelling"), "label")
    both = pl.concat([labels, aliases]).filter(pl.col("label_domain") == domain)
    return dict(zip(both["spelling"], both["label"], strict=True))


def fx_rates_e12(params: Params) -> dict[str, int]:
    """currency -> reporting units per unit, in 1e-12 (DuckDB: double division cast to decimal(38, 12))."""
    currencies = read_seed(params, "currencies")["currency_code"]
    rates = read_seed(params, "fx_rates").filter(pl.col("currency_code").is_in(currencies.implode()))
    per_eur = dict(zip(rates["currency_code"], rates["units_per_eur"].cast(pl.Float64), strict=True))
    if params.segments_reporting_currency not in per_eur:
        return {}
    reporting = per_eur[params.segments_reporting_currency]
    return {
        code: int(Decimal(reporting / units).scaleb(12).quantize(Decimal(1), ROUND_HALF_UP))
        for code, units in per_eur.items()  # one per seed row
    }


def micros(amount: pl.Expr) -> pl.Expr:
    """Amounts (at most 6 decimals) as exact integer micro-units."""
    return (amount.fill_null(0) * 1_000_000).round(0).cast(pl.Int64)


def reporting_cents(net_micros: pl.Expr, fx_e12: pl.Expr) -> pl.Expr:
    """round(net x fx, 2), half away from zero, exactly in Int64 (net split against fx = high 1e6 + low)."""
    magnitude, high, low = net_micros.abs(), fx_e12 // 1_000_000, fx_e12 % 1_000_000
    product_high = magnitude * high
    rest = (product_high % 10**10) * 1_000_000 + magnitude * low
    cents = product_high // 10**10 + rest // 10**16 + (rest % 10**16 >= 5 * 10**15).cast(pl.Int64)
    return net_micros.sign() * cents


# ---------------------------------------------------------------------------------------------- orders
def order_lines(data_dir: Path, params: Params) -> pl.LazyFrame:
    """Order lines with their status label, validity, day and revenue in cents (completed lines only)."""
    raw = scan_raw(data_dir, "orders")
    schema = raw.collect_schema()
    status = label_key("status").replace_strict(spellings(params, "order_status"), default=None,
                                                return_dtype=pl.String)
    fx_e12 = text("currency").str.to_uppercase().replace_strict(fx_rates_e12(params), default=None,
                                                                return_dtype=pl.Int64)
    parsed = raw.select(
        text("order_id").alias("order_id"),
        text("contact_id").alias("contact_id"),
        text("product_id").alias("product_id"),
        label_key("product_category").alias("product_category"),
        status.alias("status"),
        fx_e12.alias("fx_e12"),
        number(schema, "quantity").alias("quantity"),
        number(schema, "unit_price").alias("unit_price"),
        number(schema, "discount_amount").fill_null(0).alias("discount"),
        day_number(utc_timestamp(schema, "ordered_at")).alias("day"),
    )
    valid = (
        pl.col("status").is_not_null() & pl.col("fx_e12").is_not_null() & pl.col("day").is_not_null()
        & (pl.col("quantity") == pl.col("quantity").floor()) & (pl.col("unit_price") >= 0)
        & (pl.col("discount") >= 0) & ((pl.col("quantity") >= 0) | (pl.col("status") == "refunded"))
    )
    quantity = pl.col("quantity").fill_null(0).cast(pl.Int64)
    net = quantity * micros(pl.col("unit_price")) - micros(pl.col("discount"))
    completed = (pl.col("status") == "completed").fill_null(False)
    return parsed.with_columns(
        is_completed_line=completed,
        is_valid_line=valid.fill_null(False),
        revenue_cents=pl.when(completed).then(reporting_cents(net, pl.col("fx_e12").fill_null(0))).otherwise(0),
    )


def orders_as_of(lines: pl.LazyFrame, as_of_day: int) -> pl.LazyFrame:
    """One row per order kept whole and placed on or before as_of_date."""
    return (
        lines.group_by("order_id")
        .agg(
            pl.col("contact_id").min(),
            pl.col("day").min(),
            pl.col("is_completed_line").any().alias("is_completed"),
            pl.col("revenue_cents").sum(),
            pl.col("is_valid_line").all().alias("is_whole"),
        )
        .filter(pl.col("is_whole") & (pl.col("day") <= as_of_day))
        .drop("is_whole")
    )


def customer_facts(orders: pl.LazyFrame, as_of_day: int) -> pl.LazyFrame:
    """Per customer: recency, frequency, monetary, days since the first order, last and typical gaps."""
    facts = orders.group_by("contact_id").agg(
        pl.col("is_completed").sum().cast(pl.Int64).alias("frequency"),
        pl.col("revenue_cents").sum().cast(pl.Int64).alias("monetary_cents"),
    )
    gaps = (
        orders.filter(pl.col("is_completed")).select("contact_id", "day").unique()
        .sort("contact_id", "day")
        .with_columns(gap_days=pl.col("day").diff().over("contact_id"))
    )
    dates = gaps.group_by("contact_id").agg(
        pl.col("day").min().alias("first_day"),
        pl.col("day").max().alias("last_day"),
        pl.col("gap_days").sort_by("day").last().alias("gap_before_last_order_days"),
        pl.col("gap_days").median().alias("own_typical_gap_days"),
    )
    pooled = gaps.select(pl.col("gap_days").median().alias("pooled_typical_gap_days"))
    return (
        facts.filter(pl.col("frequency") >= 1)
        .join(dates, on="contact_id", how="left")
        .join(pooled, how="cross")
        .with_columns(
            recency_days=(as_of_day - pl.col("last_day")).cast(pl.Int64),
            days_since_first_order=as_of_day - pl.col("first_day"),
            typical_gap_days=pl.coalesce("own_typical_gap_days", "pooled_typical_gap_days"),
        )
    )


def tie_aware_score(column: str, bins: int, descending: bool) -> pl.Expr:
    """1 + floor(bins (rank - 1) / n) with SQL rank(): ties share the lowest rank, never split."""
    rank = pl.col(column).rank(method="min", descending=descending).cast(pl.Int64)
    return (1 + (bins * (rank - 1)) // pl.len()).cast(pl.Int32)


def abc_tiers(customers: pl.LazyFrame, params: Params) -> pl.LazyFrame:
    """monetary_cents -> tier by the revenue share of customers with strictly more revenue."""
    (cut_a, cut_b), (label_a, label_b, label_c) = params.segments_abc_cutoffs, params.segments_abc_labels
    total = pl.col("tie_revenue").sum()
    share = pl.when(total != 0).then(
        (pl.col("tie_revenue").cum_sum() - pl.col("tie_revenue")) / 100 / (total / 100)
    ).otherwise(0.0)
    return (
        customers.group_by("monetary_cents").agg(pl.col("monetary_cents").sum().alias("tie_revenue"))
        .sort("monetary_cents", descending=True)
        .with_columns(share=share)
        .select(
            "monetary_cents",
            pl.when(pl.col("share") < cut_a).then(pl.lit(label_a))
            .when(pl.col("share") < cut_b).then(pl.lit(label_b))
            .otherwise(pl.lit(label_c)).alias("abc_tier"),
        )
    )


def score_customers(customers: pl.LazyFrame, params: Params) -> pl.LazyFrame:
    """The three RFM scores and the ABC tier."""
    bins = params.segments_rfm_bins
    scored = customers.with_columns(
        r_score=tie_aware_score("recency_days", bins, descending=True),
        f_score=tie_aware_score("frequency", bins, descending=False),
        m_score=tie_aware_score("monetary_cents", bins, descending=False),
    )
    return scored.join(abc_tiers(customers, params), on="monetary_cents", how="left")


def primary_technologies(lines: pl.LazyFrame, orders: pl.LazyFrame, params: Params) -> pl.LazyFrame:
    """The technology with the most revenue among each customer's completed lines (ties: by name)."""
    rules = read_seed(params, "abell_technologies")
    by_product = rules.filter(pl.col("product_id").is_not_null())
    by_category = rules.filter(pl.col("product_id").is_null())
    technology = pl.coalesce(
        pl.col("product_id").replace_strict(dict(zip(by_product["product_id"], by_product["technology"],
                                                     strict=True)), default=None, return_dtype=pl.String),
        pl.col("product_category").replace_strict(dict(zip(by_category["product_category"],
                                                           by_category["technology"], strict=True)),
                                                  default=None, return_dtype=pl.String),
        pl.lit("other"),
    )
    revenue = (
        lines.filter(pl.col("is_completed_line"))
        .join(orders.select("order_id"), on="order_id", how="semi")
        .group_by("contact_id", technology.alias("technology"))
        .agg(pl.col("revenue_cents").sum())
    )
    return revenue.group_by("contact_id").agg(
        pl.col("technology").sort_by(["revenue_cents", "technology"], descending=[True, False]).first()
        .alias("primary_technology")
    )


# ---------------------------------------------------------------------------------------------- interactions
def interactions_as_of(data_dir: Path, params: Params, as_of_day: int) -> pl.LazyFrame:
    """Interactions on or before as_of_date with their type label; unknown types are dropped."""
    raw = scan_raw(data_dir, "interactions")
    schema = raw.collect_schema()
    kind = label_key("interaction_type").replace_strict(spellings(params, "interaction_type"), default=None,
                                                                            return_dtype=pl.String)
    occurred = utc_timestamp(schema, "occurred_at")
    return raw.select(
        text("interaction_id").alias("interaction_id"),
        text("contact_id").alias("contact_id"),
        kind.alias("interaction_type"),
        text("topic").str.to_lowercase().alias("topic"),
        occurred.alias("occurred_at"),
        day_number(occurred).alias("day"),
        text("interaction_type").is_null().alias("has_no_type"),
    ).filter(
        (pl.col("interaction_type").is_not_null() | pl.col("has_no_type")) & (pl.col("day") <= as_of_day)
    )


def recent_engagement(interactions: pl.LazyFrame, params: Params, as_of_day: int) -> pl.LazyFrame:
    """Engagement events of the last segments_lifecycle_engagement_window_days days, per contact."""
    return (
        interactions.filter(
            pl.col("interaction_type").is_in(list(params.engagement_types))
            & (as_of_day - pl.col("day") <= params.engagement_window_days)
        )
        .group_by("contact_id")
        .agg(pl.len().cast(pl.Int64).alias("recent_engagement_events"))
    )


def need_signals(interactions: pl.LazyFrame, params: Params) -> pl.LazyFrame:
    """(interaction, need) pairs: each seed rule matches on its non-empty conditions (topic, type)."""
    rules = read_seed(params, "abell_needs")
    if rules["campaign_pattern"].is_not_null().any():
        raise NotImplementedError("peer_polars: abell_needs campaign_pattern (LIKE) rules are not implemented")
    rules = rules.with_columns(pl.col("topic").str.to_lowercase())
    patterns = rules.select(pl.col("topic").is_not_null().alias("t"), pl.col("interaction_type").is_not_null()
                            .alias("k")).unique()
    matches = []
    for has_topic, has_type in patterns.iter_rows():  # one join per kind of rule, not per row of data
        keys = [key for key, used in (("topic", has_topic), ("interaction_type", has_type)) if used]
        subset = rules.filter((pl.col("topic").is_not_null() == has_topic)
                              & (pl.col("interaction_type").is_not_null() == has_type))
        subset = subset.select(*keys, "need").unique().lazy()
        joined = interactions.join(subset, on=keys) if keys else interactions.join(subset, how="cross")
        matches.append(joined.select("interaction_id", "contact_id", "interaction_type", "occurred_at", "need"))
    return pl.concat(matches).unique()


def primary_needs(interactions: pl.LazyFrame, params: Params, as_of_day: int) -> pl.LazyFrame:
    """The need with the highest weighted signal score of the look-back window (ties: latest, name)."""
    weights = read_seed(params, "abell_signal_weights")
    weight = pl.col("interaction_type").replace_strict(
        dict(zip(weights["interaction_type"], weights["weight"].cast(pl.Int64), strict=True)), default=0,
        return_dtype=pl.Int64,
    )
    in_window = interactions.filter(as_of_day - pl.col("day") <= params.need_window_days)
    scores = (
        need_signals(in_window, params)
        .group_by("contact_id", "need")
        .agg(weight.sum().alias("score"), pl.col("occurred_at").max().alias("last_signal_at"))
        .filter(pl.col("score") > 0)
    )
    return scores.group_by("contact_id").agg(
        pl.col("need").sort_by(["score", "last_signal_at", "need"], descending=[True, True, False]).first()
        .alias("primary_need")
    )


# ---------------------------------------------------------------------------------------------- contacts
def known_contacts(data_dir: Path, as_of_day: int, orders: pl.LazyFrame,
                   interactions: pl.LazyFrame) -> pl.LazyFrame:
    """Contacts created on or before as_of_date, or that ordered or interacted by then."""
    raw = scan_raw(data_dir, "contacts")
    schema = raw.collect_schema()
    contacts = raw.select(
        text("contact_id").alias("contact_id"), day_number(utc_timestamp(schema, "created_at")).alias("day")
    )
    known_ids = pl.concat([
        contacts.filter(pl.col("day") <= as_of_day).select("contact_id"),
        orders.select("contact_id"),
        interactions.select("contact_id"),
    ]).unique()
    return contacts.select("contact_id").unique().join(known_ids, on="contact_id", how="semi")


def lifecycle_stage(params: Params) -> pl.Expr:
    """Exactly one stage per contact, decided in the order of contact_lifecycle.sql."""
    recency = pl.col("recency_days")
    typical = params.at_risk_gap_multiplier * pl.col("typical_gap_days")
    at_risk_after = pl.when(typical > params.at_risk_min_days).then(typical).otherwise(params.at_risk_min_days)
    not_customer = ~pl.col("is_customer")
    return (
        pl.when(not_customer & (pl.col("recent_engagement_events") >= params.engaged_lead_min_events))
        .then(pl.lit("engaged_lead"))
        .when(not_customer).then(pl.lit("prospect"))
        .when(recency > params.lapsed_days).then(pl.lit("lapsed"))
        .when((pl.col("gap_before_last_order_days") > params.reactivation_gap_days)
              & (recency <= params.reactivation_recent_days)).then(pl.lit("reactivated"))
        .when(pl.col("days_since_first_order") <= params.new_customer_days).then(pl.lit("new_customer"))
        .when(recency > at_risk_after).then(pl.lit("at_risk"))
        .otherwise(pl.lit("active_customer"))
    )


def segment_contacts(data_dir: Path, params: Params) -> pl.LazyFrame:
    """The per-contact table (bench_params.OUTPUT_COLUMNS) for the raw files in data_dir, as a lazy query."""
    as_of_day = (params.as_of_date - EPOCH).days
    lines = order_lines(data_dir, params)
    orders = orders_as_of(lines, as_of_day)
    customers = score_customers(customer_facts(orders, as_of_day), params)
    interactions = interactions_as_of(data_dir, params, as_of_day)
    contacts = (
        known_contacts(data_dir, as_of_day, orders, interactions)
        .join(customers.with_columns(is_customer=pl.lit(True)), on="contact_id", how="left")
        .join(recent_engagement(interactions, params, as_of_day), on="contact_id", how="left")
        .join(primary_needs(interactions, params, as_of_day), on="contact_id", how="left")
        .join(primary_technologies(lines, orders, params), on="contact_id", how="left")
        .with_columns(
            pl.col("is_customer").fill_null(False),
            pl.col("recent_engagement_events").fill_null(0),
            pl.col("primary_need").fill_null("unknown"),
        )
    )
    return contacts.with_columns(lifecycle_stage=lifecycle_stage(params)).select(OUTPUT_COLUMNS)


def main(argv: list[str] | None = None) -> int:
    """Command line: compute and write the per-contact table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", type=Path, help="folder with contacts, orders, interactions files")
    parser.add_argument("out", type=Path, help="Parquet file to write")
    parser.add_argument("--as-of-date", type=dt.date.fromisoformat, required=True, help="YYYY-MM-DD")
    parser.add_argument("--project-dir", type=Path, default=PROJECT_DIR, help="the dbt project (vars, seeds)")
    parser.add_argument("--engine", choices=ENGINES, default="in-memory",
                        help="the polars engine that collects the query (default: in-memory)")
    args = parser.parse_args(argv)
    try:
        query = segment_contacts(args.data_dir, load_params(args.as_of_date, args.project_dir))
        result = query.collect(engine=args.engine)
    except (OSError, ValueError, NotImplementedError, pl.exceptions.PolarsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    result.write_parquet(args.out)
    print(f"peer_polars ({args.engine}): {result.height:,} contacts written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
