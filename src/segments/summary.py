"""`segments summary`: a short, readable account of what the last build produced."""

from __future__ import annotations

from pathlib import Path

import duckdb

from segments.build_log import check_build
from segments.errors import SegmentsError
from segments.sql import relation as _relation

# The marts the summary reads that carry an as_of_date: all of the last build's date, or refused.
MARTS = (
    "contact_rfm", "contact_abc", "contact_lifecycle", "contact_abell", "abell_matrix",
    "contact_predictions", "prediction_calibration", "segment_kpis", "audience_members",
)
def _count(connection: duckdb.DuckDBPyConnection, sql: str) -> int:
    return int(connection.execute(sql).fetchone()[0] or 0)


def summary(warehouse: Path) -> str:
    """The summary text: reconciliation per source, quarantine reasons, order facts."""
    if not warehouse.is_file():
        raise SegmentsError(f"{warehouse}: no warehouse yet: run `segments load` and `segments build`")
    with duckdb.connect(str(warehouse)) as connection:
        check_build(connection, MARTS)
        lines = [f"Warehouse: {warehouse}", ""]
        lines += _reconciliation_lines(connection)
        lines += [""] + _quarantine_lines(connection)
        lines += [""] + _order_lines(connection)
        lines += [""] + _segment_lines(connection)
        lines += [""] + _prediction_lines(connection)
        lines += [""] + _lead_lines(connection)
        lines += [""] + _activation_lines(connection)
        lines += [""] + _campaign_lines(connection)
        lines += [""] + _consent_lines(connection)
    return "\n".join(lines)


def _reconciliation_lines(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """The reconciliation of every raw table (reporting model rpt_source_reconciliation)."""
    header = (f"{'source':<14}{'raw rows':>12}{'staged':>12}{'quarantined':>13}{'duplicates':>12}"
              f"{'deleted':>10}{'no contact':>12}  reconciled")
    lines = [header, "-" * len(header)]
    rows = connection.execute(
        "select source_table, raw_rows, staged_rows, quarantined_rows, collapsed_duplicates, deleted_rows, "
        f"is_reconciled, without_contact_rows from {_relation(connection, 'rpt_source_reconciliation')} "
        "order by case source_table when 'contacts' then 1 when 'orders' then 2 else 3 end"
    ).fetchall()
    for source, raw, valid, bad, copies, deleted, reconciled, orphans in rows:
        verdict = "yes" if reconciled else "NO"
        lines.append(f"{source:<14}{raw:>12,}{valid:>12,}{bad:>13,}{copies:>12,}{deleted:>10,}{orphans:>12,}"
                     f"  {verdict}")
    lines.append("(no contact: staged rows whose contact is unknown; no fact reads them)")
    return lines


def _quarantine_lines(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """Quarantined rows per source and reason (reporting model rpt_quarantine_overview)."""
    rows = connection.execute(
        "select source_table, quarantine_reason, quarantined_rows "
        f"from {_relation(connection, 'rpt_quarantine_overview')} order by 3 desc, 1, 2"
    ).fetchall()
    if not rows:
        return ["Quarantine: empty (every raw row is usable)"]
    lines = ["Quarantine reasons (rows):"]
    lines += [f"  {source:<14}{reason:<28}{count:>8,}" for source, reason, count in rows]
    return lines + _missing_rate_lines(connection)


def _missing_rate_lines(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """The currencies whose order lines were refused for want of an FX rate, each named."""
    currencies = connection.execute(
        "select currency_code, refused_order_lines "
        f"from {_relation(connection, 'rpt_fx_rate_coverage')} "
        "where refused_order_lines > 0 order by 2 desc, 1"
    ).fetchall()
    return [
        f"  no FX rate for {currency} (or for the reporting currency) on their dates: {count:,} order lines "
        "refused; add its rate to the seed fx_rates or fx_rates_by_date"
        for currency, count in currencies
    ]


def _order_lines(connection: duckdb.DuckDBPyConnection) -> list[str]:
    orders = _relation(connection, "fct_orders")
    total, first, last = connection.execute(
        f"select count(*), min(ordered_at)::date, max(ordered_at)::date from {orders}"
    ).fetchone()
    statuses = connection.execute(
        f"select order_status, count(*) from {orders} group by 1 order by 2 desc, 1"
    ).fetchall()
    customers = _count(
        connection,
        f"select count(distinct contact_id) from {orders} where order_status = 'completed'",
    )
    mix = ", ".join(f"{status} {count:,}" for status, count in statuses)
    return [
        f"Orders: {total:,} ({mix}), placed {first} .. {last}",
        f"Contacts with a completed order: {customers:,}",
    ]


def _table(title: str, header: tuple[str, ...], rows: list[tuple]) -> list[str]:
    """A table under a title: numbers right-aligned, text left-aligned, two spaces between."""
    cells = [tuple(str(cell) for cell in row) for row in rows]
    widths = [max(len(cell) for cell in column) for column in zip(header, *cells, strict=True)]
    numeric = [
        all(cell.replace(",", "").replace(".", "").rstrip("%").lstrip("-").isdigit() or cell in ("", "-")
            for cell in column)
        for column in zip(*cells, strict=True)
    ] if cells else [False] * len(header)

    def line(row: tuple[str, ...]) -> str:
        return "  " + "  ".join(
            cell.rjust(width) if is_number else cell.ljust(width)
            for cell, width, is_number in zip(row, widths, numeric, strict=True)
        ).rstrip()

    return [title, line(tuple(header)), *(line(row) for row in cells)]


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _segment_lines(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """Size and revenue share of every RFM segment, ABC tier and lifecycle stage."""
    shares = _relation(connection, "rpt_segment_shares")
    as_of = connection.execute(f"select max(as_of_date) from {_relation(connection, 'contact_rfm')}").fetchone()[0]
    lines = [f"Segments as of {as_of}", ""]
    for title, dimension, order in (
        ("RFM segments", "rfm_segment", "revenue_share desc, label"),
        ("ABC tiers", "abc_tier", "label"),
    ):
        rows = connection.execute(
            f"""
            select label, customers, customer_share, revenue_share from {shares}
            where segment_dimension = '{dimension}' and customers > 0 order by {order}
            """
        ).fetchall()
        lines += _table(
            title,
            (dimension, "customers", "share", "revenue share"),
            [(name, f"{count:,}", _percent(share), _percent(revenue)) for name, count, share, revenue in rows],
        ) + [""]
    stages = connection.execute(
        f"""
        select shares.label, shares.contacts, shares.contact_share
        from {shares} as shares
        inner join {_relation(connection, "lifecycle_stages")} as stages on shares.label = stages.lifecycle_stage
        where shares.segment_dimension = 'lifecycle_stage' and shares.contacts > 0
        order by stages.stage_order
        """
    ).fetchall()
    lines += _table(
        "Lifecycle stages",
        ("lifecycle_stage", "contacts", "share"),
        [(stage, f"{count:,}", _percent(share)) for stage, count, share in stages],
    ) + [""]
    lines += _guard_lines(connection) + [""]
    lines += _abell_lines(connection)
    return lines


def _prediction_lines(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """The model parameters, churn risk bands and predicted CLV, and the calibration check."""
    parameters = connection.execute(
        f"""
        select parameter_source, r_parameter, alpha_parameter, a_parameter, b_parameter,
               p_parameter, q_parameter, gamma_parameter, bgnbd_sample_size
        from {_relation(connection, "prediction_parameters")} where fit_purpose = 'scoring'
        """
    ).fetchone()
    source, r, alpha, a, b, p, q, gamma, sample = parameters
    fitted_on = f", fitted on {sample:,} customers" if sample else ""
    lines = [
        f"Predictions (parameters: {source}{fitted_on})",
        f"  BG/NBD r={r:.4g} alpha={alpha:.4g} a={a:.4g} b={b:.4g}; Gamma-Gamma p={p:.4g} q={q:.4g} "
        f"gamma={gamma:.4g}",
        "",
    ]
    bands = connection.execute(
        "select churn_risk, customers, customer_share, avg_p_no_purchase, predicted_clv_share "
        f"from {_relation(connection, 'rpt_churn_risk_bands')} order by avg_p_no_purchase, churn_risk"
    ).fetchall()
    lines += _table(
        "Churn risk (probability of no purchase in the horizon)",
        ("churn_risk", "customers", "share", "avg P(no purchase)", "predicted CLV share"),
        [(band, f"{count:,}", _percent(share), f"{risk:.2f}", _percent(clv)) for band, count, share, risk, clv
         in bands],
    ) + [""]
    total = connection.execute(
        f"""
        select customers, predicted_purchases, actual_purchases, relative_error, holdout_days
        from {_relation(connection, "prediction_calibration")} where prediction_decile = 'all'
        """
    ).fetchone()
    if total:
        customers, predicted, actual, error, days = total
        error_text = "n/a" if error is None else f"{error:+.1%}"
        lines.append(f"Calibration: {customers:,} customers, last {days} days held out: predicted "
                     f"{predicted:,.1f} purchases, actual {actual:,} ({error_text})")
    return lines


def _lead_lines(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """The lead tiers of today's prospects and the back-test of the lead model."""
    tiers = connection.execute(
        f"""
        select lead_tier, count(*), avg(lead_probability)
        from {_relation(connection, "contact_lead_scores")}
        group by lead_tier order by avg(lead_probability) desc
        """
    ).fetchall()
    lines = _table(
        "Lead tiers (prospects: probability of a first order in the conversion window)",
        ("lead_tier", "prospects", "avg probability"),
        [(tier, f"{count:,}", _percent(probability)) for tier, count, probability in tiers],
    )
    quality = connection.execute(
        f"""
        select auc, log_loss, top_decile_lift, contacts, conversions, evaluated_cutoff_date
        from {_relation(connection, "lead_score_evaluation")} limit 1
        """
    ).fetchone()
    if quality:
        auc, loss, lift, contacts, conversions, cutoff = quality
        auc_text = "n/a" if auc is None else f"{auc:.3f}"
        lift_text = "n/a" if lift is None else f"{lift:.1f}x"
        lines.append(f"Lead model back-test: {contacts:,} prospects of {cutoff}, {conversions:,} converted; "
                     f"AUC {auc_text}, log loss {loss:.4f}, top-decile lift {lift_text}")
    return lines


def _abell_lines(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """Unclassified contacts and the top opportunity cells of the Abell matrix."""
    unclassified, contacts = connection.execute(
        "select sum(case when label = 'unclassified' then contacts else 0 end), sum(contacts) "
        f"from {_relation(connection, 'rpt_segment_shares')} where segment_dimension = 'client_group'"
    ).fetchone()
    unclassified, contacts = int(unclassified or 0), int(contacts or 0)
    cells = connection.execute(
        f"""
        select opportunity_rank, client_group, need, technology, contacts_with_need, adopters,
               penetration, is_opportunity
        from {_relation(connection, 'abell_matrix')} order by opportunity_rank limit 5
        """
    ).fetchall()
    rows = [
        (rank, group, need, technology, f"{demand:,}", f"{adopters:,}", _percent(penetration),
         "yes" if flagged else "")
        for rank, group, need, technology, demand, adopters, penetration, flagged in cells
    ]
    share = unclassified / contacts if contacts else None
    return [
        f"Abell: {unclassified:,} of {contacts:,} contacts unclassified ({_percent(share)})",
        *_table(
            "Top Abell opportunities (client group x need x technology)",
            ("rank", "client_group", "need", "technology", "demand", "adopters", "penetration", "niche"),
            rows,
        ),
    ]


def _guard_lines(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """Failed eligibility checks and empty scores, the warnings a marketer must read."""
    failed = connection.execute(
        f"select check_name, observed_value, required_value from "
        f"{_relation(connection, 'rfm_eligibility')} where not is_passed order by 1"
    ).fetchall()
    empty = connection.execute(
        f"select rfm_dimension, score from {_relation(connection, 'rfm_thresholds')} "
        "where customers = 0 order by 1, 2"
    ).fetchall()
    lines = []
    for check, observed, required in failed:
        lines.append(f"Warning: RFM eligibility check {check} failed ({observed} < {required})")
    if empty:
        listed = ", ".join(f"{dimension} score {score}" for dimension, score in empty)
        lines.append(
            f"Note: empty RFM scores ({listed}): the metric has fewer distinct values than "
            "scores; they stay empty rather than being re-binned"
        )
    return lines or ["RFM eligibility: every check passed; every score has customers"]


def _activation_lines(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """RFM segment KPIs, lifecycle movement between the two latest recorded dates, audiences."""
    kpis = connection.execute(
        f"""
        select label, contacts, average_order_value, orders_per_customer, repeat_purchase_rate,
               clicks_per_email_sent, unsubscribe_rate, avg_days_since_last_order
        from {_relation(connection, 'segment_kpis')}
        where segment_dimension = 'rfm_segment' order by revenue_amount desc, label
        """
    ).fetchall()
    lines = _table(
        "KPIs per RFM segment",
        ("rfm_segment", "contacts", "avg order", "orders/cust", "repeat", "clicks/email",
         "unsub", "days since order"),
        [
            (label, f"{contacts:,}", "-" if aov is None else f"{aov:,.0f}",
             "-" if orders is None else f"{orders:.1f}", _percent(repeat), _percent(clicks),
             _percent(unsub), "-" if days is None else f"{days:.0f}")
            for label, contacts, aov, orders, repeat, clicks, unsub, days in kpis
        ],
    ) + [""]
    period = connection.execute(
        f"select min(from_date), min(to_date) from {_relation(connection, 'segment_movement')}"
    ).fetchone()
    if period[0] is None:
        lines.append("Movement: the history holds one date; run `segments history` to see movement")
    else:
        moves = connection.execute(
            f"""
            select from_label, to_label, contacts, revenue_amount
            from {_relation(connection, 'segment_movement')}
            where segment_dimension = 'lifecycle_stage' and from_label != to_label
            order by contacts desc, from_label, to_label limit 8
            """
        ).fetchall()
        lines += _table(
            f"Lifecycle movement {period[0]} -> {period[1]} (top moves)",
            ("from", "to", "contacts", "revenue"),
            [(source, target, f"{count:,}", f"{revenue:,.0f}") for source, target, count, revenue in moves],
        )
    audiences = connection.execute(
        f"select audience_name, count(*) from {_relation(connection, 'audience_members')} "
        "group by 1 order by 1"
    ).fetchall()
    listed = ", ".join(f"{name} {count:,}" for name, count in audiences) or "none"
    return lines + ["", f"Audiences (members): {listed}"]


def _campaign_lines(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """Treated against holdout per logged campaign (campaign_results)."""
    rows = connection.execute(
        f"""
        select audience_name, campaign_date, treated_contacts, holdout_contacts, treated_conversion_rate,
               holdout_conversion_rate, conversion_rate_lift, conversion_rate_lift_ci_lower,
               conversion_rate_lift_ci_upper, window_complete, significance
        from {_relation(connection, "campaign_results")}
        order by campaign_date desc, audience_name
        """
    ).fetchall()
    if not rows:
        return ["Campaigns: none logged yet (`segments export` of an audience, or `segments record-sync`)"]
    return _table(
        "Campaigns (treated against holdout over the campaign window; conversion = a completed order)",
        ("audience", "date", "treated", "holdout", "conversion", "holdout conv.", "lift (95% CI)",
         "window", "significance"),
        [(audience, str(day), f"{treated:,}", f"{holdout:,}", _percent(rate), _percent(holdout_rate),
          "n/a" if lift is None else f"{lift:+.1%} [{low:+.1%}, {high:+.1%}]",
          "complete" if complete else "running", significance)
         for audience, day, treated, holdout, rate, holdout_rate, lift, low, high, complete, significance in rows],
    )


def _consent_lines(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """Suppressed addresses and contacts per reason (rpt_email_suppressions), current consent."""
    rows = connection.execute(
        f"""
        select suppression_reason, addresses, contacts, contacts_otherwise_reachable
        from {_relation(connection, 'rpt_email_suppressions')}
        order by suppression_reason = 'all', addresses desc, suppression_reason
        """
    ).fetchall()
    total = next((row for row in rows if row[0] == "all"), ("all", 0, 0, 0))
    title = (
        f"Email suppressions (current consent, any record of the address): {total[1]:,} addresses, "
        f"{total[2]:,} contacts, {total[3]:,} of them kept out by the address alone"
    )
    return _table(
        title,
        ("reason", "addresses", "contacts", "kept out by the address alone"),
        [(reason, f"{addresses:,}", f"{contacts:,}", f"{saved:,}")
         for reason, addresses, contacts, saved in rows if reason != "all"],
    )
