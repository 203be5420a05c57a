"""The pandas peer of benchmark issue 6: RFM, ABC, lifecycle and the Abell inputs per contact, the way an
RFM tutorial does it (read the exports as DataFrames, groupby, rank), made to agree with the marts.

Usage: peer_pandas.py DATA_DIR OUT.parquet --as-of-date YYYY-MM-DD [--project-dir DIR]

It reads DATA_DIR/{contacts,orders,interactions}.{parquet,csv} (the files `segments load` reads, not
the warehouse) and the seeds of the project, and writes one row per contact known on as_of_date with
the columns of bench_params.OUTPUT_COLUMNS. Where tutorials reach for qcut, it uses the project's
tie-aware score 1 + floor(k (rank - 1) / n) with rank(method="min") (SQL rank()); money is exact
integer arithmetic (micro-units x 1e-12 fx rates, rounded half away from zero to the cent, as DuckDB's
decimals do), so totals and ties agree with the marts to the cent.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pandas as pd
from bench_params import OUTPUT_COLUMNS, PROJECT_DIR, Params, load_params

EPOCH = dt.date(1970, 1, 1)


# ---------------------------------------------------------------------------------------------- reading
def raw_path(data_dir: Path, table: str) -> Path:
    """DATA_DIR/<table>.parquet, else DATA_DIR/<table>.csv."""
    for suffix in (".parquet", ".csv"):
        path = data_dir / f"{table}{suffix}"
        if path.is_file():
            return path
    raise FileNotFoundError(f"{data_dir}: no {table}.parquet or {table}.csv")


def read_raw(data_dir: Path, table: str) -> pd.DataFrame:
    """One raw export as a DataFrame, exact duplicate rows collapsed (staging does the same)."""
    path = raw_path(data_dir, table)
    if path.suffix == ".parquet":
        frame = pd.read_parquet(path, dtype_backend="pyarrow")
    else:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    return frame.drop_duplicates(ignore_index=True)


def read_seed(params: Params, name: str) -> pd.DataFrame:
    """A seed CSV, every column as text (empty fields are missing)."""
    return pd.read_csv(params.seeds_dir / f"{name}.csv", dtype=str, keep_default_na=False, na_values=[""])


# ---------------------------------------------------------------------------------------------- parsing
def text(values: pd.Series) -> pd.Series:
    """Trimmed text, blank as missing."""
    trimmed = values.astype("string").str.strip()
    return trimmed.where(trimmed != "")


def number(values: pd.Series) -> pd.Series:
    """A float column from typed or text values; missing where the text is not a number."""
    if pd.api.types.is_numeric_dtype(values) or str(values.dtype).startswith("decimal"):
        return values.astype("float64")
    return pd.to_numeric(text(values), errors="coerce").astype("float64")


def utc_day(values: pd.Series) -> pd.Series:
    """Days since 1970-01-01 of a UTC timestamp column (typed, or ISO 8601 text with or without offset)."""
    if pd.api.types.is_datetime64_any_dtype(values) or "timestamp" in str(values.dtype):
        stamps = pd.to_datetime(values.astype("datetime64[us]"))
    else:
        stamps = pd.to_datetime(text(values), utc=True, errors="coerce", format="ISO8601").dt.tz_localize(None)
    days = stamps.to_numpy("datetime64[D]")
    return pd.Series(np.where(np.isnat(days), np.nan, days.astype("int64")), index=values.index)


def utc_timestamp(values: pd.Series) -> pd.Series:
    """A tz-naive UTC datetime64 column from typed or text timestamps."""
    if pd.api.types.is_datetime64_any_dtype(values) or "timestamp" in str(values.dtype):
        return pd.to_datetime(values.astype("datetime64[us]"))
    return pd.to_datetime(text(values), utc=True, errors="coerce", format="ISO8601").dt.tz_localize(None)


def label_of(values: pd.Series, spellings: pd.Series) -> pd.Series:
    """The canonical label of each value: normalised (lower case, trimmed, '-' and ' ' as '_'), then looked
    up in labels + label_aliases. Normalises the distinct values only, then maps them back."""
    uniques = pd.Series(values.dropna().unique(), dtype="string")
    keys = uniques.str.strip().str.lower().str.replace("-", "_").str.replace(" ", "_")
    lookup = pd.Series(keys.map(spellings).to_numpy(object), index=uniques.to_numpy(object))
    return values.map(lookup)


def spellings_of(params: Params, domain: str) -> pd.Series:
    """spelling -> label for one label domain (seeds labels and label_aliases)."""
    labels = read_seed(params, "labels")
    aliases = read_seed(params, "label_aliases").rename(columns={"alias": "spelling"})
    labels["spelling"] = labels["label"]
    columns = ["label_domain", "spelling", "label"]
    both = pd.concat([labels[columns], aliases[columns]])
    both = both[both["label_domain"] == domain]
    return pd.Series(both["label"].to_numpy(), index=both["spelling"].to_numpy())


def fx_rates_e12(params: Params) -> pd.Series:
    """currency -> reporting units per unit, in 1e-12 (DuckDB: double division cast to decimal(38, 12))."""
    rates = read_seed(params, "fx_rates")
    currencies = set(read_seed(params, "currencies")["currency_code"])
    rates = rates[rates["currency_code"].isin(currencies)]
    per_eur = rates.set_index("currency_code")["units_per_eur"].astype("float64")
    if params.segments_reporting_currency not in per_eur.index:
        return pd.Series(dtype="int64")
    ratios = per_eur[params.segments_reporting_currency] / per_eur
    scaled = [int(Decimal(ratio).scaleb(12).quantize(Decimal(1), ROUND_HALF_UP)) for ratio in ratios]  # seed rows
    return pd.Series(scaled, index=ratios.index, dtype="int64")


def to_micros(values: pd.Series) -> np.ndarray:
    """Amounts (at most 6 decimals, like numeric(28, 6)) as exact integer micro-units; 0 where missing."""
    return np.round(values.fillna(0).to_numpy("float64") * 1_000_000).astype("int64")


def reporting_cents(net_micros: np.ndarray, fx_e12: np.ndarray) -> np.ndarray:
    """round(net x fx, 2), half away from zero, computed exactly in int64: the product has 18 decimals,
    so it is split as net x (high x 1e6 + low) to stay below 2^63."""
    magnitude = np.abs(net_micros)
    high, low = np.divmod(fx_e12, 1_000_000)
    whole, rest = np.divmod(magnitude * high, 10**10)
    carry, remainder = np.divmod(rest * 1_000_000 + magnitude * low, 10**16)
    return np.sign(net_micros) * (whole + carry + (remainder >= 5 * 10**15))


# ---------------------------------------------------------------------------------------------- orders
def order_lines(data_dir: Path, params: Params) -> pd.DataFrame:
    """Order lines with their status label, validity, day and revenue in cents (completed lines only)."""
    raw = read_raw(data_dir, "orders")
    fx = fx_rates_e12(params)
    status = label_of(raw["status"], spellings_of(params, "order_status"))
    fx_e12 = text(raw["currency"]).str.upper().map(fx)
    quantity, unit_price = number(raw["quantity"]), number(raw["unit_price"])
    discount = number(raw["discount_amount"]).fillna(0)
    day = utc_day(raw["ordered_at"])
    valid = (
        status.notna() & fx_e12.notna() & day.notna() & (quantity == np.floor(quantity))
        & (unit_price >= 0) & (discount >= 0) & ((quantity >= 0) | (status == "refunded"))
    )
    net_micros = quantity.fillna(0).to_numpy("int64") * to_micros(unit_price) - to_micros(discount)
    completed = (status == "completed").fillna(False).to_numpy(bool)
    cents = reporting_cents(net_micros, fx_e12.fillna(0).to_numpy("int64"))
    return pd.DataFrame({
        "order_id": text(raw["order_id"]),
        "contact_id": text(raw["contact_id"]),
        "product_id": text(raw["product_id"]),
        "product_category": label_key(raw["product_category"]),
        "day": day,
        "is_completed_line": completed,
        "is_valid_line": valid.fillna(False).to_numpy(bool),
        "revenue_cents": np.where(completed, cents, 0),
    })


def label_key(values: pd.Series) -> pd.Series:
    """The normalised spelling (lower case, trimmed, '-' and ' ' as '_'), blank as missing."""
    keys = text(values).str.lower().str.replace("-", "_").str.replace(" ", "_")
    return keys.where(keys != "")


def orders_as_of(lines: pd.DataFrame, as_of_day: int) -> pd.DataFrame:
    """One row per order kept whole and placed on or before as_of_date."""
    orders = lines.groupby("order_id", sort=False).agg(
        contact_id=("contact_id", "min"),
        day=("day", "min"),
        is_completed=("is_completed_line", "any"),
        revenue_cents=("revenue_cents", "sum"),
        is_whole=("is_valid_line", "all"),
    )
    return orders[orders["is_whole"] & (orders["day"] <= as_of_day)].drop(columns="is_whole")


def customer_facts(orders: pd.DataFrame, as_of_day: int) -> pd.DataFrame:
    """Per customer: recency, frequency, monetary, days since the first order, last and typical gaps."""
    facts = orders.groupby("contact_id").agg(
        frequency=("is_completed", "sum"), monetary_cents=("revenue_cents", "sum")
    )
    completed_days = orders.loc[orders["is_completed"], ["contact_id", "day"]].drop_duplicates()
    completed_days = completed_days.sort_values(["contact_id", "day"])
    completed_days["gap_days"] = completed_days.groupby("contact_id")["day"].diff()
    dates = completed_days.groupby("contact_id").agg(
        first_day=("day", "min"), last_day=("day", "max"),
        gap_before_last_order_days=("gap_days", "last"), own_typical_gap_days=("gap_days", "median"),
    )
    customers = facts[facts["frequency"] >= 1].join(dates)
    customers["recency_days"] = as_of_day - customers["last_day"]
    customers["days_since_first_order"] = as_of_day - customers["first_day"]
    pooled = completed_days["gap_days"].median()
    customers["typical_gap_days"] = customers["own_typical_gap_days"].fillna(pooled)
    return customers


def tie_aware_score(values: pd.Series, bins: int, ascending: bool) -> pd.Series:
    """1 + floor(bins (rank - 1) / n) with SQL rank(): ties share the lowest rank, never split."""
    rank = values.rank(method="min", ascending=ascending).astype("int64")
    return (1 + (bins * (rank - 1)) // len(values)).astype("int32")


def abc_tiers(monetary_cents: pd.Series, params: Params) -> pd.Series:
    """Tier by the revenue share of customers with strictly more revenue (equal revenue, equal tier)."""
    by_value = monetary_cents.groupby(monetary_cents).sum().sort_index(ascending=False)
    higher = by_value.cumsum() - by_value
    total = monetary_cents.sum()
    share = (higher / 100) / (total / 100) if total != 0 else higher * 0.0
    (cut_a, cut_b), (label_a, label_b, label_c) = params.segments_abc_cutoffs, params.segments_abc_labels
    tiers = np.select([share < cut_a, share < cut_b], [label_a, label_b], label_c)
    return monetary_cents.map(pd.Series(tiers, index=by_value.index))


def score_customers(customers: pd.DataFrame, params: Params) -> pd.DataFrame:
    """The three RFM scores and the ABC tier."""
    bins = params.segments_rfm_bins
    customers["r_score"] = tie_aware_score(customers["recency_days"], bins, ascending=False)
    customers["f_score"] = tie_aware_score(customers["frequency"], bins, ascending=True)
    customers["m_score"] = tie_aware_score(customers["monetary_cents"], bins, ascending=True)
    customers["abc_tier"] = abc_tiers(customers["monetary_cents"], params)
    return customers


def primary_technologies(lines: pd.DataFrame, orders: pd.DataFrame, params: Params) -> pd.Series:
    """The technology with the most revenue among each customer's completed lines (ties: by name)."""
    completed = lines[lines["is_completed_line"] & lines["order_id"].isin(orders.index)]
    rules = read_seed(params, "abell_technologies")
    by_product = rules.dropna(subset=["product_id"]).set_index("product_id")["technology"]
    by_category = rules[rules["product_id"].isna()].set_index("product_category")["technology"]
    by_id = completed["product_id"].map(by_product).astype("string")
    by_name = completed["product_category"].map(by_category).astype("string")
    technology = by_id.fillna(by_name).fillna("other")
    revenue = completed.assign(technology=technology).groupby(["contact_id", "technology"], as_index=False)[
        "revenue_cents"
    ].sum()
    revenue = revenue.sort_values(["contact_id", "revenue_cents", "technology"], ascending=[True, False, True])
    return revenue.drop_duplicates("contact_id").set_index("contact_id")["technology"]


# ---------------------------------------------------------------------------------------------- interactions
def interactions_as_of(data_dir: Path, params: Params, as_of_day: int) -> pd.DataFrame:
    """Interactions on or before as_of_date with their type label; unknown types are dropped."""
    raw = read_raw(data_dir, "interactions")
    kind = label_of(raw["interaction_type"], spellings_of(params, "interaction_type"))
    frame = pd.DataFrame({
        "interaction_id": text(raw["interaction_id"]),
        "contact_id": text(raw["contact_id"]),
        "interaction_type": kind,
        "topic": text(raw["topic"]).str.lower(),
        "occurred_at": utc_timestamp(raw["occurred_at"]),
        "day": utc_day(raw["occurred_at"]),
    })
    known_type = kind.notna() | text(raw["interaction_type"]).isna()
    return frame[known_type & (frame["day"] <= as_of_day)]


def recent_engagement(interactions: pd.DataFrame, params: Params, as_of_day: int) -> pd.Series:
    """Engagement events of the last segments_lifecycle_engagement_window_days days, per contact."""
    recent = interactions[
        interactions["interaction_type"].isin(params.engagement_types)
        & (as_of_day - interactions["day"] <= params.engagement_window_days)
    ]
    return recent.groupby("contact_id").size()


def need_signals(interactions: pd.DataFrame, params: Params) -> pd.DataFrame:
    """(interaction, need) pairs: each seed rule matches on its non-empty conditions (topic, type)."""
    rules = read_seed(params, "abell_needs")
    if rules["campaign_pattern"].notna().any():
        raise NotImplementedError("peer_pandas: abell_needs campaign_pattern (LIKE) rules are not implemented")
    rules["topic"] = rules["topic"].str.lower()
    matches = []
    kinds = rules[["topic", "interaction_type"]].notna().drop_duplicates()
    for has_topic, has_type in kinds.itertuples(index=False):  # one merge per kind of rule, not per row
        keys = [key for key, used in (("topic", has_topic), ("interaction_type", has_type)) if used]
        subset = rules[(rules["topic"].notna() == has_topic) & (rules["interaction_type"].notna() == has_type)]
        how = {"on": keys} if keys else {"how": "cross"}
        matches.append(interactions.merge(subset[[*keys, "need"]].drop_duplicates(), **how))
    columns = ["interaction_id", "contact_id", "interaction_type", "occurred_at", "need"]
    return pd.concat([match[columns] for match in matches]).drop_duplicates()


def primary_needs(interactions: pd.DataFrame, params: Params, as_of_day: int) -> pd.Series:
    """The need with the highest weighted signal score of the look-back window (ties: latest, name)."""
    in_window = interactions[as_of_day - interactions["day"] <= params.need_window_days]
    signals = need_signals(in_window, params)
    weights = read_seed(params, "abell_signal_weights").set_index("interaction_type")["weight"].astype("int64")
    signals["weight"] = signals["interaction_type"].map(weights).fillna(0)
    scores = signals.groupby(["contact_id", "need"], as_index=False).agg(
        score=("weight", "sum"), last_signal_at=("occurred_at", "max")
    )
    scores = scores[scores["score"] > 0].sort_values(
        ["contact_id", "score", "last_signal_at", "need"], ascending=[True, False, False, True]
    )
    return scores.drop_duplicates("contact_id").set_index("contact_id")["need"]


# ---------------------------------------------------------------------------------------------- contacts
def known_contacts(data_dir: Path, as_of_day: int, orders: pd.DataFrame, interactions: pd.DataFrame) -> pd.Index:
    """Contacts created on or before as_of_date, or that ordered or interacted by then."""
    raw = read_raw(data_dir, "contacts")
    contact_id = text(raw["contact_id"])
    known = (
        (utc_day(raw["created_at"]) <= as_of_day)
        | contact_id.isin(orders["contact_id"])
        | contact_id.isin(interactions["contact_id"])
    )
    return pd.Index(contact_id[known].drop_duplicates(), name="contact_id")


def lifecycle_stages(frame: pd.DataFrame, params: Params) -> np.ndarray:
    """Exactly one stage per contact, decided in the order of contact_lifecycle.sql."""
    customer = frame["is_customer"]
    recency = frame["recency_days"]
    typical = params.at_risk_gap_multiplier * frame["typical_gap_days"]
    at_risk_after = typical.where(typical > params.at_risk_min_days, params.at_risk_min_days)
    conditions = [
        ~customer & (frame["recent_engagement_events"] >= params.engaged_lead_min_events),
        ~customer,
        recency > params.lapsed_days,
        (frame["gap_before_last_order_days"] > params.reactivation_gap_days)
        & (recency <= params.reactivation_recent_days),
        frame["days_since_first_order"] <= params.new_customer_days,
        recency > at_risk_after,
    ]
    choices = ["engaged_lead", "prospect", "lapsed", "reactivated", "new_customer", "at_risk"]
    return np.select(conditions, choices, "active_customer")


def segment_contacts(data_dir: Path, params: Params) -> pd.DataFrame:
    """The per-contact table (bench_params.OUTPUT_COLUMNS) for the raw files in data_dir."""
    as_of_day = (params.as_of_date - EPOCH).days
    lines = order_lines(data_dir, params)
    orders = orders_as_of(lines, as_of_day)
    customers = score_customers(customer_facts(orders, as_of_day), params)
    interactions = interactions_as_of(data_dir, params, as_of_day)
    frame = pd.DataFrame(index=known_contacts(data_dir, as_of_day, orders, interactions))
    frame = frame.join(customers).join(recent_engagement(interactions, params, as_of_day).rename(
        "recent_engagement_events"))
    frame["recent_engagement_events"] = frame["recent_engagement_events"].fillna(0)
    frame["is_customer"] = frame.index.isin(customers.index)
    frame["lifecycle_stage"] = lifecycle_stages(frame, params)
    frame["primary_need"] = frame.index.map(primary_needs(interactions, params, as_of_day)).fillna("unknown")
    frame["primary_technology"] = frame.index.map(primary_technologies(lines, orders, params))
    return typed_output(frame.reset_index())


def typed_output(frame: pd.DataFrame) -> pd.DataFrame:
    """The output columns with nullable integer types."""
    for column in ("recency_days", "frequency", "monetary_cents"):
        frame[column] = frame[column].astype("Int64")
    for column in ("r_score", "f_score", "m_score"):
        frame[column] = frame[column].astype("Int32")
    return frame[list(OUTPUT_COLUMNS)]


def main(argv: list[str] | None = None) -> int:
    """Command line: compute and write the per-contact table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", type=Path, help="folder with contacts, orders, interactions files")
    parser.add_argument("out", type=Path, help="Parquet file to write")
    parser.add_argument("--as-of-date", type=dt.date.fromisoformat, required=True, help="YYYY-MM-DD")
    parser.add_argument("--project-dir", type=Path, default=PROJECT_DIR, help="the dbt project (vars, seeds)")
    args = parser.parse_args(argv)
    try:
        result = segment_contacts(args.data_dir, load_params(args.as_of_date, args.project_dir))
    except (OSError, ValueError, NotImplementedError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    result.to_parquet(args.out, index=False)
    print(f"peer_pandas: {len(result):,} contacts written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
