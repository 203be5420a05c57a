"""`segments report`: one self-contained HTML page that shows the segments at a glance.

Every number is aggregated in the warehouse (DuckDB SQL over the marts); Python only receives a few
hundred rows and lays them out. Charts are Vega-Lite specs built with Altair and rendered to inline
SVG by vl-convert, so the page needs no script and no network to draw; the only script is a small
table sorter for the KPI table.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import altair as alt
import duckdb
import vl_convert

from segments.build_log import check_build
from segments.errors import SegmentsError
from segments.sql import build_settings
from segments.sql import relation as _relation

PALETTE = "blues"


def _esc(value: object) -> str:
    return html.escape("" if value is None else str(value))


# Room around every chart: the SVG is laid out with vl-convert's font metrics, and a browser's
# sans-serif can be wider, so an axis label measured to fit would be cut off at the SVG's edge.
CHART_PADDING = {"left": 40, "right": 30, "top": 10, "bottom": 30}


def _svg(chart: alt.TopLevelMixin) -> str:
    """The chart rendered to an inline SVG string (no JavaScript needed to display it)."""
    return vl_convert.vegalite_to_svg(chart.properties(padding=CHART_PADDING).to_json())


def _contrast(field: str, rows: list[dict], log: bool = False) -> alt.ColorValue:
    """White text on the darker half of a sequential colour scale, dark text elsewhere."""
    values = [float(row[field]) for row in rows if row.get(field) is not None and float(row[field]) > 0]
    if not values:
        return alt.value("#222")
    low, high = min(values), max(values)
    middle = (low * high) ** 0.5 if log else (low + high) / 2
    return alt.condition(f"datum.{field} > {middle}", alt.value("white"), alt.value("#222"))


def _figure(chart: alt.TopLevelMixin, caption: str) -> str:
    return f'<figure class="chart">{_svg(chart)}<figcaption>{_esc(caption)}</figcaption></figure>'


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]], table_id: str = "",
           numeric: Sequence[bool] | None = None) -> str:
    numeric = numeric or [False] * len(headers)
    head = "".join(
        f'<th data-numeric="{str(n).lower()}">{_esc(h)}</th>' for h, n in zip(headers, numeric, strict=True)
    )
    body = "".join(
        "<tr>" + "".join(
            f'<td class="{"num" if n else ""}" data-value="{_esc(v if not isinstance(v, tuple) else v[1])}">'
            f"{_esc(v if not isinstance(v, tuple) else v[0])}</td>"
            for v, n in zip(row, numeric, strict=True)
        ) + "</tr>"
        for row in rows
    )
    identifier = f' id="{table_id}"' if table_id else ""
    return f"<table{identifier}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _pct(value: float | None) -> tuple[str, float | str]:
    return ("-", "") if value is None else (f"{100 * value:.1f} %", value)


def _num(value: float | None, digits: int = 0) -> tuple[str, float | str]:
    return ("-", "") if value is None else (f"{value:,.{digits}f}", value)


def _rows(connection: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cursor = connection.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _jsonable(rows: list[dict]) -> list[dict]:
    """Rows with dates, decimals and big integers turned into plain JSON values for Vega-Lite."""
    def convert(value: object) -> object:
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        if value is None or isinstance(value, (str, bool, int, float)):
            return value
        return float(value)
    return [{key: convert(value) for key, value in row.items()} for row in rows]


def _overview(connection: duckdb.DuckDBPyConnection) -> tuple[str, str]:
    segments = _relation(connection, "contact_segments")
    as_of, contacts = connection.execute(f"select max(as_of_date), count(*) from {segments}").fetchone()
    (customers,) = connection.execute(
        f"select sum(customers) from {_relation(connection, 'rpt_segment_shares')} "
        "where segment_dimension = 'lifecycle_stage'"
    ).fetchone()
    orders, revenue = connection.execute(
        f"select count(*), sum(revenue_amount) from {_relation(connection, 'fct_orders')}"
    ).fetchone()
    volumes = [
        (source, _num(raw), _num(staged), _num(quarantined), _num(copies), _num(deleted), _num(orphans))
        for source, raw, staged, quarantined, copies, deleted, orphans in connection.execute(
            "select source_table, raw_rows, staged_rows, quarantined_rows, collapsed_duplicates, deleted_rows, "
            "without_contact_rows "
            f"from {_relation(connection, 'rpt_source_reconciliation')} "
            "order by case source_table when 'contacts' then 1 when 'orders' then 2 else 3 end"
        ).fetchall()
    ]
    cards = "".join(
        f'<div class="card"><span class="value">{_esc(value)}</span><span class="label">{_esc(label)}</span></div>'
        for label, value in (
            ("as of", as_of), ("contacts", f"{contacts:,}"), ("customers", f"{customers:,}"),
            ("orders", f"{orders:,}"), (f"revenue ({_currency(connection)})", f"{float(revenue or 0):,.0f}"),
        )
    )
    body = (
        f'<div class="cards">{cards}</div>'
        "<h3>Data volumes and quarantine</h3>"
        + _table(("raw table", "raw rows", "staged", "quarantined", "collapsed duplicates", "deleted",
                  "staged, contact unknown"),
                 volumes, numeric=(False, True, True, True, True, True, True))
    )
    return str(as_of), body


def _rfm(connection: duckdb.DuckDBPyConnection) -> str:
    cells = _jsonable(_rows(connection, f"""
        select r_score, f_score, customers, revenue_amount as revenue
        from {_relation(connection, 'rpt_rfm_grid')} order by r_score, f_score
    """))
    base = alt.Chart(alt.Data(values=cells)).encode(
        x=alt.X("f_score:O", title="frequency score (F)"),
        y=alt.Y("r_score:O", title="recency score (R)", sort="descending"),
    )
    heat = base.mark_rect().encode(
        color=alt.Color("customers:Q", scale=alt.Scale(scheme=PALETTE), title="customers"),
    )
    text = base.mark_text(fontSize=11).encode(
        text=alt.Text("customers:Q", format=","),
        color=_contrast("customers", cells),
    )
    revenue = base.mark_rect().encode(
        color=alt.Color("revenue:Q", scale=alt.Scale(scheme="greens"), title=f"revenue ({_currency(connection)})"),
    )
    revenue_text = base.mark_text(fontSize=10).encode(text=alt.Text("revenue:Q", format=",.3s"),
                                                      color=_contrast("revenue", cells))
    charts = alt.hconcat(
        (heat + text).properties(width=260, height=220, title="Customers per R x F cell"),
        (revenue + revenue_text).properties(width=260, height=220, title="Revenue per R x F cell"),
    ).resolve_scale(color="independent")
    segments = _rows(connection, f"""
        select shares.label as rfm_segment, shares.customers, shares.customer_share, shares.revenue_share,
               map.description, map.recommended_action
        from {_relation(connection, 'rpt_segment_shares')} as shares
        inner join {_relation(connection, 'rfm_segments')} as map on shares.label = map.rfm_segment
        where shares.segment_dimension = 'rfm_segment' and shares.customers > 0
        order by map.segment_order
    """)
    table = _table(
        ("segment", "customers", "share", "revenue share", "who they are", "recommended action"),
        [(row["rfm_segment"], _num(row["customers"]), _pct(row["customer_share"]),
          _pct(row["revenue_share"]), row["description"], row["recommended_action"]) for row in segments],
        numeric=(False, True, True, True, False, False),
    )
    return _figure(charts, "R x F grid: customers and revenue per cell (M is not shown).") + table


def _abc(connection: duckdb.DuckDBPyConnection) -> str:
    points = _jsonable(_rows(connection, f"""
        select cumulative_customer_share, cumulative_revenue_share, abc_tier
        from {_relation(connection, 'rpt_abc_pareto_curve')} order by curve_point
    """))
    tiers = _rows(connection, f"""
        select label as abc_tier, customers, customer_share, revenue_share
        from {_relation(connection, 'rpt_segment_shares')}
        where segment_dimension = 'abc_tier' and customers > 0
        order by label
    """)
    cutoffs = [
        {"cutoff": value, "label": f"{int(round(100 * value))} % of revenue"} for value in _abc_cutoffs(connection)
    ]
    curve = alt.Chart(alt.Data(values=points)).mark_line(color="#1f5fa8").encode(
        x=alt.X("cumulative_customer_share:Q", title="cumulative share of customers", axis=alt.Axis(format="%")),
        y=alt.Y("cumulative_revenue_share:Q", title="cumulative share of revenue", axis=alt.Axis(format="%")),
    )
    rules = alt.Chart(alt.Data(values=cutoffs)).mark_rule(strokeDash=[4, 4], color="#c0392b").encode(
        y="cutoff:Q")
    labels = alt.Chart(alt.Data(values=cutoffs)).mark_text(align="left", dx=4, dy=-6, color="#c0392b").encode(
        y="cutoff:Q", x=alt.value(0), text="label:N")
    chart = (curve + rules + labels).properties(width=520, height=300, title="Pareto curve of revenue")
    table = _table(
        ("tier", "customers", "share of customers", "share of revenue"),
        [(row["abc_tier"], _num(row["customers"]), _pct(row["customer_share"]), _pct(row["revenue_share"]))
         for row in tiers],
        numeric=(False, True, True, True),
    )
    return _figure(chart, "Customers ranked by revenue; dashed lines: the A and B cut-offs.") + table


def _currency(connection: duckdb.DuckDBPyConnection) -> str:
    """The reporting currency every amount is in (var segments_reporting_currency, from rpt_build_settings)."""
    return str(build_settings(connection)["segments_reporting_currency"])


def _abc_cutoffs(connection: duckdb.DuckDBPyConnection) -> list[float]:
    """The cut-offs the tiers were built with (var segments_abc_cutoffs, from rpt_build_settings)."""
    return [float(share) for share in build_settings(connection)["segments_abc_cutoffs"]]


def _lifecycle(connection: duckdb.DuckDBPyConnection) -> str:
    stages = _jsonable(_rows(connection, f"""
        select stages.stage_order, stages.lifecycle_stage, stages.definition, stages.recommended_action,
               coalesce(shares.contacts, 0) as contacts
        from {_relation(connection, 'lifecycle_stages')} as stages
        left join {_relation(connection, 'rpt_segment_shares')} as shares
            on shares.segment_dimension = 'lifecycle_stage' and shares.label = stages.lifecycle_stage
        order by stages.stage_order
    """))
    order = [row["lifecycle_stage"] for row in stages]
    bars = alt.Chart(alt.Data(values=stages)).mark_bar(color="#1f5fa8").encode(
        y=alt.Y("lifecycle_stage:N", sort=order, title=None, axis=alt.Axis(labelLimit=200)),
        x=alt.X("contacts:Q", title="contacts"),
    )
    text = bars.mark_text(align="left", dx=3, color="#222").encode(text=alt.Text("contacts:Q", format=","))
    chart = (bars + text).properties(width=480, height=220, title="Contacts per lifecycle stage")
    table = _table(("stage", "contacts", "definition", "recommended action"),
                   [(row["lifecycle_stage"], _num(row["contacts"]), row["definition"], row["recommended_action"])
                    for row in stages], numeric=(False, True, False, False))
    return _figure(chart, "Stages in journey order.") + table


def _abell(connection: duckdb.DuckDBPyConnection) -> str:
    matrix = _relation(connection, "abell_matrix")
    cells = _jsonable(_rows(connection, f"""
        select client_group, need, technology, contacts_with_need, adopters, penetration, is_opportunity
        from {matrix}
        where technology in (
            select technology from {_relation(connection, 'abell_technology_labels')} where is_offer
        )
    """))
    base = alt.Chart(alt.Data(values=cells)).encode(
        x=alt.X("need:N", title=None, axis=alt.Axis(labelAngle=-40, labelLimit=260)),
        y=alt.Y("client_group:N", title=None, axis=alt.Axis(labelLimit=260)),
    )
    heat = base.mark_rect().encode(
        color=alt.Color("penetration:Q", scale=alt.Scale(scheme="greens", domain=[0, 1]),
                        title="penetration", legend=alt.Legend(format="%")),
    )
    demand = base.mark_text(fontSize=9).encode(text=alt.Text("contacts_with_need:Q", format=","),
                                               color=alt.value("#222"))
    niches = base.mark_rect(fill=None, stroke="#c0392b", strokeWidth=2.5).transform_filter(
        alt.datum.is_opportunity == True  # noqa: E712 (a Vega expression, not Python)
    )
    chart = (heat + demand + niches).properties(width=230, height=150).facet(
        facet=alt.Facet("technology:N", title=None), columns=3
    ).properties(title="Client group x need, per technology: colour = penetration, number = demand")
    top = _rows(connection, f"""
        select opportunity_rank, client_group, need, technology, contacts_with_need, adopters, penetration,
               opportunity_score, is_opportunity
        from {matrix} order by opportunity_rank limit 10
    """)
    table = _table(
        ("rank", "client group", "need", "technology", "demand", "adopters", "penetration", "score", "niche"),
        [(row["opportunity_rank"], row["client_group"], row["need"], row["technology"],
          _num(row["contacts_with_need"]), _num(row["adopters"]), _pct(row["penetration"]),
          _num(row["opportunity_score"], 3), "yes" if row["is_opportunity"] else "")
         for row in top],
        numeric=(True, False, False, False, True, True, True, True, False),
    )
    return (_figure(chart, "Red outline: an opportunity (strong demand, penetration at most the threshold).")
            + "<h3>Top opportunities</h3>" + table)


def _movement(connection: duckdb.DuckDBPyConnection) -> str:
    movement = _relation(connection, "segment_movement")
    period = connection.execute(f"select min(from_date), min(to_date) from {movement}").fetchone()
    if period[0] is None:
        return ("<p class=\"empty\">No history yet: the snapshot holds one date. Run "
                "<code>segments history --month-ends 6</code> to rebuild past month-ends.</p>")
    moves = _jsonable(_rows(connection, f"""
        select from_label, to_label, contacts, revenue_amount from {movement}
        where segment_dimension = 'lifecycle_stage'
        order by from_label, to_label
    """))
    base = alt.Chart(alt.Data(values=moves)).encode(
        x=alt.X("to_label:N", title=f"stage on {period[1]}"),
        y=alt.Y("from_label:N", title=f"stage on {period[0]}"),
    )
    heat = base.mark_rect().encode(color=alt.Color("contacts:Q", scale=alt.Scale(scheme=PALETTE, type="log"),
                                                   title="contacts"))
    text = base.mark_text(fontSize=10).encode(text=alt.Text("contacts:Q", format=","),
                                              color=_contrast("contacts", moves, log=True))
    chart = (heat + text).properties(width=420, height=260, title="Lifecycle migration matrix")
    return _figure(chart, f"Contacts moving between lifecycle stages from {period[0]} to {period[1]}; "
                   "the diagonal stayed.")


def _kpis(connection: duckdb.DuckDBPyConnection) -> str:
    rows = _rows(connection, f"""
        select segment_dimension, label, contacts, customers, revenue_amount, revenue_share, average_order_value,
               orders_per_customer, repeat_purchase_rate, opens_per_email_sent, clicks_per_email_sent,
               unsubscribe_rate, avg_days_since_last_order
        from {_relation(connection, 'segment_kpis')} order by segment_dimension, revenue_amount desc, label
    """)
    currency = _currency(connection)
    headers = ("dimension", "label", "contacts", "customers", f"revenue ({currency})", "revenue share",
               f"avg order ({currency})",
               "orders / customer", "repeat rate", "opens / sent", "clicks / sent", "unsubscribe rate",
               "days since order")
    table_rows = [(
        row["segment_dimension"], row["label"], _num(row["contacts"]), _num(row["customers"]),
        _num(float(row["revenue_amount"] or 0)), _pct(row["revenue_share"]), _num(row["average_order_value"]),
        _num(row["orders_per_customer"], 1), _pct(row["repeat_purchase_rate"]), _pct(row["opens_per_email_sent"]),
        _pct(row["clicks_per_email_sent"]), _pct(row["unsubscribe_rate"]), _num(row["avg_days_since_last_order"]),
    ) for row in rows]
    return ('<p>Click a column header to sort.</p>'
            + _table(headers, table_rows, table_id="kpi-table", numeric=(False, False) + (True,) * 11))


def _horizontal_bars(rows: list[dict], label: str, value: str, title: str, axis_title: str,
                     value_format: str = ",") -> alt.TopLevelMixin:
    """One bar per row, in the rows' order, its value written at its end (labels never clipped)."""
    order = [row[label] for row in rows]
    bars = alt.Chart(alt.Data(values=_jsonable(rows))).mark_bar(color="#1f5fa8").encode(
        y=alt.Y(f"{label}:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X(f"{value}:Q", title=axis_title),
    )
    text = bars.mark_text(align="left", dx=3, color="#222").encode(
        text=alt.Text(f"{value}:Q", format=value_format))
    return (bars + text).properties(width=420, height=max(80, 22 * len(rows)), title=title)


def _predictions(connection: duckdb.DuckDBPyConnection) -> str:
    currency = _currency(connection)
    bands = _rows(connection, f"""
        select churn_risk, customers, customer_share, avg_p_no_purchase, predicted_clv_share
        from {_relation(connection, 'rpt_churn_risk_bands')} order by avg_p_no_purchase, churn_risk
    """)
    by_segment = _rows(connection, f"""
        select label as rfm_segment, customers, predicted_clv_amount, predicted_clv_per_customer, revenue_amount
        from {_relation(connection, 'segment_kpis')}
        where segment_dimension = 'rfm_segment' and customers > 0
        order by predicted_clv_per_customer desc nulls last, label
    """)
    if not bands:
        return '<p class="empty">No customer yet: nothing to predict.</p>'
    upgrades = connection.execute(
        f"select count(*) filter (where has_upgrade_potential), count(*) "
        f"from {_relation(connection, 'contact_upgrade_potential')}"
    ).fetchone()
    band_chart = _horizontal_bars(bands, "churn_risk", "customers", "Customers per churn-risk band", "customers")
    clv_chart = _horizontal_bars(
        [{**row, "predicted_clv_per_customer": float(row["predicted_clv_per_customer"] or 0)}
         for row in by_segment],
        "rfm_segment", "predicted_clv_per_customer", f"Predicted CLV per customer ({currency}) by RFM segment",
        f"predicted CLV per customer ({currency})", ",.0f")
    caption = (
        "Churn risk from the BG/NBD probability of no purchase over the prediction horizon; predicted CLV "
        f"(customer lifetime value) from BG/NBD and Gamma-Gamma, discounted, in {currency}. "
        f"{upgrades[0]:,} of {upgrades[1]:,} customers would sit in a higher ABC tier on predicted CLV "
        "than on past revenue (contact_upgrade_potential)."
    )
    band_table = _table(
        ("churn risk", "customers", "share", "average P(no purchase)", "share of predicted CLV"),
        [(row["churn_risk"], _num(row["customers"]), _pct(row["customer_share"]),
          _num(row["avg_p_no_purchase"], 2), _pct(row["predicted_clv_share"])) for row in bands],
        numeric=(False, True, True, True, True))
    segment_table = _table(
        ("RFM segment", "customers", f"predicted CLV ({currency})", f"per customer ({currency})",
         f"revenue so far ({currency})"),
        [(row["rfm_segment"], _num(row["customers"]), _num(_float(row["predicted_clv_amount"])),
          _num(_float(row["predicted_clv_per_customer"])), _num(_float(row["revenue_amount"])))
         for row in by_segment],
        numeric=(False, True, True, True, True))
    return _figure(alt.hconcat(band_chart, clv_chart), caption) + band_table + segment_table


def _float(value: object) -> float | None:
    return None if value is None else float(value)


def _engagement(connection: duckdb.DuckDBPyConnection) -> str:
    segments = _rows(connection, f"""
        select seeds.loyalty_segment, seeds.description, seeds.recommended_action,
               coalesce(shares.contacts, 0) as contacts
        from {_relation(connection, 'loyalty_segments')} as seeds
        left join {_relation(connection, 'rpt_segment_shares')} as shares
            on shares.segment_dimension = 'loyalty_segment' and shares.label = seeds.loyalty_segment
        order by seeds.priority
    """)
    channels = _rows(connection, f"""
        select coalesce(preferred_channel, 'none') as preferred_channel, count(*) as contacts
        from {_relation(connection, 'contact_engagement')}
        group by 1 order by contacts desc, preferred_channel
    """)
    scores = _rows(connection, f"""
        select engagement_score, count(*) as contacts,
               avg(scoring_window_engagement_events) as average_events
        from {_relation(connection, 'contact_engagement')}
        group by 1 order by 1
    """)
    charts = alt.hconcat(
        _horizontal_bars(segments, "loyalty_segment", "contacts", "Contacts per loyalty segment", "contacts"),
        _horizontal_bars(channels, "preferred_channel", "contacts", "Preferred channel", "contacts"),
    )
    caption = ("Loyalty segments in priority order (a contact takes the first that applies); the preferred "
               "channel is the channel of the contact's own most frequent interactions.")
    score_line = ", ".join(f"{row['engagement_score']}: {row['contacts']:,}" for row in scores)
    table = _table(("loyalty segment", "contacts", "definition", "recommended action"),
                   [(row["loyalty_segment"], _num(row["contacts"]), row["description"], row["recommended_action"])
                    for row in segments], numeric=(False, True, False, False))
    return (_figure(charts, caption) + table
            + f"<p>Contacts per engagement score (1 = least engaged): {_esc(score_line)}.</p>")


def _calibration_chart(rows: list[dict], group: str, title: str, axis_title: str) -> alt.TopLevelMixin:
    """Predicted against actual purchases per customer over the hold-out days, one point per group."""
    points = [
        {group: row[group], "purchases": row[column], "series": series}
        for row in rows for column, series in (("predicted_per_customer", "predicted"),
                                               ("actual_per_customer", "actual"))
    ]
    order = [row[group] for row in rows]
    return alt.Chart(alt.Data(values=_jsonable(points))).mark_line(point=True).encode(
        x=alt.X(f"{group}:N", sort=order, title=axis_title, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("purchases:Q", title="purchases per customer in the hold-out"),
        color=alt.Color("series:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=["predicted", "actual"], range=["#1f5fa8", "#c0392b"])),
        strokeDash=alt.StrokeDash("series:N", legend=None, scale=alt.Scale(domain=["predicted", "actual"],
                                                                             range=[[1, 0], [4, 3]])),
    ).properties(width=420, height=240, title=title)


def _calibration(connection: duckdb.DuckDBPyConnection) -> str:
    deciles = _rows(connection, f"""
        select prediction_decile, customers, predicted_per_customer, actual_per_customer, relative_error,
               holdout_days, calibration_cutoff_date
        from {_relation(connection, 'prediction_calibration')} order by prediction_decile
    """)
    frequencies = _rows(connection, f"""
        select repeat_purchases_label, customers, predicted_per_customer, actual_per_customer
        from {_relation(connection, 'prediction_calibration_by_frequency')} order by repeat_purchases_group
    """)
    by_decile = [row for row in deciles if row["prediction_decile"] != "all"]
    if not by_decile:
        return '<p class="empty">No customer before the calibration cut-off: nothing to check yet.</p>'
    overall = next(row for row in deciles if row["prediction_decile"] == "all")
    charts = alt.hconcat(
        _calibration_chart(by_decile, "prediction_decile", "By decile of prediction", "decile of prediction"),
        _calibration_chart(frequencies, "repeat_purchases_label", "By purchases before the cut-off",
                           "repeat purchases before the cut-off"),
    )
    caption = (
        f"BG/NBD fitted on the history up to {overall['calibration_cutoff_date']}, its expected purchases over "
        f"the next {overall['holdout_days']} days against the purchases customers then made "
        f"({overall['customers']:,} customers; overall relative error "
        f"{_pct(overall['relative_error'])[0]}). Lines that stay together: the model can be trusted."
    )
    table = _table(("decile", "customers", "predicted per customer", "actual per customer", "relative error"),
                   [(row["prediction_decile"], _num(row["customers"]), _num(row["predicted_per_customer"], 3),
                     _num(row["actual_per_customer"], 3), _pct(row["relative_error"])) for row in deciles],
                   numeric=(False, True, True, True, True))
    return _figure(charts, caption) + table


def _leads(connection: duckdb.DuckDBPyConnection) -> str:
    tiers = _rows(connection, f"""
        select lead_tier, count(*) as prospects, avg(lead_probability) as avg_probability
        from {_relation(connection, 'contact_lead_scores')}
        group by lead_tier order by avg(lead_probability) desc
    """)
    deciles = _rows(connection, f"""
        select decile, decile_contacts, decile_conversions, mean_predicted_probability, actual_conversion_rate,
               lift, auc, log_loss, top_decile_lift, evaluated_cutoff_date
        from {_relation(connection, 'lead_score_evaluation')} order by decile
    """)
    tier_table = _table(("lead tier", "prospects", "average probability"),
                        [(row["lead_tier"], _num(row["prospects"]), _pct(row["avg_probability"]))
                         for row in tiers], numeric=(False, True, True))
    if not deciles:
        return tier_table + '<p class="empty">No prospect at the back-test cut-off: nothing to evaluate.</p>'
    points = [
        {"decile": row["decile"], "conversion rate": row[column], "series": series}
        for row in deciles for column, series in (("mean_predicted_probability", "predicted"),
                                                  ("actual_conversion_rate", "actual"))
    ]
    chart = alt.Chart(alt.Data(values=_jsonable(points))).mark_line(point=True).encode(
        x=alt.X("decile:O", title="decile of predicted probability (10 = most likely)",
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("conversion rate:Q", title="conversion rate", axis=alt.Axis(format="%")),
        color=alt.Color("series:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=["predicted", "actual"], range=["#1f5fa8", "#c0392b"])),
    ).properties(width=480, height=240, title="Back-test: predicted against actual conversion")
    first = deciles[0]
    auc = "n/a" if first["auc"] is None else f"{first['auc']:.3f}"
    lift = "n/a" if first["top_decile_lift"] is None else f"{first['top_decile_lift']:.1f}"
    caption = (
        f"The model fitted one conversion window earlier scored the prospects of "
        f"{first['evaluated_cutoff_date']}; "
        f"their conversions since were never seen by it. AUC {auc} (0.5 is chance), log loss "
        f"{first['log_loss']:.4f}, top decile converting {lift} times as often as prospects at large."
    )
    table = _table(("decile", "prospects", "converted", "predicted", "actual", "lift"),
                   [(str(row["decile"]), _num(row["decile_contacts"]), _num(row["decile_conversions"]),
                     _pct(row["mean_predicted_probability"]), _pct(row["actual_conversion_rate"]),
                     _num(row["lift"], 2)) for row in deciles],
                   numeric=(False, True, True, True, True, True))
    return tier_table + _figure(chart, caption) + table


def _campaigns(connection: duckdb.DuckDBPyConnection) -> str:
    rows = _rows(connection, f"""
        select audience_name, campaign_date, treated_contacts, holdout_contacts, treated_conversion_rate,
               holdout_conversion_rate, conversion_rate_lift, conversion_rate_lift_ci_lower,
               conversion_rate_lift_ci_upper, revenue_per_contact_lift, revenue_per_contact_lift_ci_lower,
               revenue_per_contact_lift_ci_upper, observed_days, window_days, significance
        from {_relation(connection, 'campaign_results')}
        order by campaign_date desc, audience_name
    """)
    if not rows:
        return ('<p class="empty">No campaign logged yet: `segments export` of an audience, or '
                '`segments record-sync`, records one.</p>')
    currency = _currency(connection)

    def interval(row: dict, key: str, percent: bool) -> str:
        values = [row[key], row[f"{key}_ci_lower"], row[f"{key}_ci_upper"]]
        if any(value is None for value in values):
            return "-"
        shown = [f"{100 * float(v):+.1f} pt" if percent else f"{float(v):+,.2f}" for v in values]
        return f"{shown[0]} [{shown[1]}, {shown[2]}]"

    table = _table(
        ("audience", "date", "treated", "holdout", "conversion", "holdout conversion",
         "conversion lift (95 % CI)", f"revenue per contact lift ({currency}, 95 % CI)", "days observed",
         "significance"),
        [(row["audience_name"], str(row["campaign_date"]), _num(row["treated_contacts"]),
          _num(row["holdout_contacts"]), _pct(row["treated_conversion_rate"]),
          _pct(row["holdout_conversion_rate"]),
          interval(row, "conversion_rate_lift", True), interval(row, "revenue_per_contact_lift", False),
          f"{row['observed_days']} of {row['window_days']}", row["significance"]) for row in rows],
        numeric=(False, False, True, True, True, True, False, False, False, False))
    return ("<p>Each export or recorded sync of an audience against its holdout (never sent) over the "
            "campaign window: a lift whose interval excludes 0 is significant.</p>" + table)


def _consent(connection: duckdb.DuckDBPyConnection) -> str:
    rows = _rows(connection, f"""
        select suppression_reason, addresses, contacts, contacts_otherwise_reachable
        from {_relation(connection, 'rpt_email_suppressions')}
        order by suppression_reason = 'all', addresses desc, suppression_reason
    """)
    return (
        "<p>Addresses never exported: an opt-out or unsubscribe under any record of the address, at "
        "any date, or a quarantined row that may carry one (until it is fixed). The last column counts "
        "the contacts whose own consent on the as_of_date would have let them through.</p>"
        + _table(
            ("reason", "addresses", "contacts", "kept out by the address alone"),
            [(row["suppression_reason"], _num(row["addresses"]), _num(row["contacts"]),
              _num(row["contacts_otherwise_reachable"])) for row in rows],
            numeric=(False, True, True, True),
        )
    )


SORT_SCRIPT = """
document.querySelectorAll('#kpi-table th').forEach(function (header, index) {
  header.addEventListener('click', function () {
    var table = header.closest('table');
    var body = table.tBodies[0];
    var numeric = header.dataset.numeric === 'true';
    var ascending = header.dataset.order !== 'asc';
    table.querySelectorAll('th').forEach(function (th) { delete th.dataset.order; });
    header.dataset.order = ascending ? 'asc' : 'desc';
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[index].dataset.value, y = b.cells[index].dataset.value;
      var result = numeric ? (parseFloat(x || '-1e308') - parseFloat(y || '-1e308')) : x.localeCompare(y);
      return ascending ? result : -result;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  });
});
"""

STYLE = """
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 0; color: #222;
       background: #f6f7f9; }
header { background: #1f3b5c; color: white; padding: 18px 32px; }
header h1 { margin: 0; font-size: 22px; } header p { margin: 4px 0 0; opacity: .8; }
nav { padding: 8px 32px; background: #e8ecf1; } nav a { margin-right: 16px; color: #1f3b5c; }
section { background: white; margin: 18px 32px; padding: 16px 24px; border-radius: 6px;
          box-shadow: 0 1px 3px rgba(0,0,0,.08); }
h2 { margin-top: 0; color: #1f3b5c; } figure.chart { margin: 8px 0 16px; overflow-x: auto; }
figcaption { font-size: 12px; color: #666; } table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
th, td { border-bottom: 1px solid #e3e6ea; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f0f3f6; cursor: pointer; } td.num { text-align: right; white-space: nowrap; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { background: #f0f3f6; padding: 10px 16px; border-radius: 6px; }
.card .value { display: block; font-size: 20px; font-weight: 600; }
.card .label { font-size: 12px; color: #666; }
p.empty { color: #666; font-style: italic; }
"""

SECTIONS = (
    ("overview", "What this is built on"),
    ("rfm", "RFM: recency, frequency, monetary"),
    ("abc", "ABC: value tiers"),
    ("lifecycle", "Lifecycle stages"),
    ("abell", "Abell matrix: who x need x technology"),
    ("movement", "Movement between segments"),
    ("engagement", "Engagement and loyalty"),
    ("kpis", "KPIs per segment"),
    ("predictions", "Predictions: churn risk and customer value"),
    ("calibration", "Predictions: do they hold?"),
    ("leads", "Lead scoring: prospects likely to buy"),
    ("campaigns", "Campaigns: treated against holdout"),
    ("consent", "Consent: suppressed addresses"),
)
# The marts the report reads that carry an as_of_date: all of the last build's date, or refused.
MARTS = ("contact_segments", "contact_rfm", "contact_abc", "contact_lifecycle", "abell_matrix",
         "segment_kpis")


def build_report(warehouse: Path, out: Path) -> dict:
    """Write the report to `out` (atomically) and return what it measured."""
    if not warehouse.is_file():
        raise SegmentsError(f"{warehouse}: no warehouse yet: run `segments load` and `segments build`")
    if not out.parent.is_dir():
        raise SegmentsError(f"{out.parent}: no such folder for the report")
    started = time.perf_counter()
    with duckdb.connect(str(warehouse)) as connection:
        check_build(connection, MARTS)
        as_of, overview = _overview(connection)
        bodies = {
            "overview": overview, "rfm": _rfm(connection), "abc": _abc(connection),
            "lifecycle": _lifecycle(connection), "abell": _abell(connection),
            "movement": _movement(connection), "engagement": _engagement(connection),
            "kpis": _kpis(connection), "predictions": _predictions(connection),
            "calibration": _calibration(connection), "leads": _leads(connection),
            "campaigns": _campaigns(connection),
            "consent": _consent(connection),
        }
    nav = "".join(f'<a href="#{key}">{_esc(title)}</a>' for key, title in SECTIONS)
    sections = "".join(
        f'<section id="{key}"><h2>{_esc(title)}</h2>{bodies[key]}</section>' for key, title in SECTIONS
    )
    generated = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    page = (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>Segments as of {_esc(as_of)}</title><style>{STYLE}</style></head><body>"
        f"<header><h1>Customer segments as of {_esc(as_of)}</h1>"
        f"<p>Generated {generated} from {_esc(warehouse.name)}</p></header>"
        f"<nav>{nav}</nav>{sections}<script>{SORT_SCRIPT}</script></body></html>"
    )
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(page)
        os.chmod(temporary, 0o644)
        os.replace(temporary, out)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise SegmentsError(f"{out}: cannot write the report ({error.strerror})") from None
    return {"path": out, "as_of_date": as_of, "bytes": len(page.encode("utf-8")),
            "seconds": time.perf_counter() - started, "sections": json.dumps([key for key, _ in SECTIONS])}
