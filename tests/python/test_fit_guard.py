"""A prediction fit that does not converge never scores silently, on real fits of real builds.

Two data sets written here (prices and purchase days from fixed arithmetic, no randomness):
- with churners: regular buyers plus customers who bought one to four times and stopped. Both fits
  (scoring at 2026-03-31, calibration 90 days earlier) converge.
- regular buyers only: everybody buys on a fixed rhythm until the end, nobody drops out. BG/NBD's
  `a` runs to its bound (1e-6): status not_converged at 2026-06-30 and at its calibration cut-off.

With var segments_prediction_failed_fit `error` (the default) the build of the second set stops
with a message naming the fit and the remedies; with `last_converged` it scores with the fits of
the first build, kept in prediction_fits.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pytest
from conftest import write_csv

from segments import predict
from segments.cli import main
from segments.contract import CONTACTS, INTERACTIONS, ORDERS
from segments.project import project_dir, project_vars

START, END = dt.date(2024, 1, 1), dt.date(2026, 6, 30)
CONVERGED_DATE, FAILED_DATE = "2026-03-31", "2026-06-30"
DBT = Path(sys.executable).parent / "dbt"


def _price(customer: int, purchase: int) -> str:
    base = 20 + (customer * 53) % 280
    return f"{base * (0.6 + 0.8 * ((purchase * 37 + customer * 11) % 17) / 16):.2f}"


def _customers(regular: int, churners: int) -> list[tuple[str, dt.date, list[dt.date]]]:
    """(contact id, first day, purchase days): regular buyers every 20-59 days until END; churners
    1-4 purchases, then nothing."""
    customers = []
    for number in range(regular):
        first, gap = START + dt.timedelta(days=3 * number), 20 + (7 * number) % 40
        days = [first + dt.timedelta(days=gap * n) for n in range((END - first).days // gap + 1)]
        customers.append((f"r{number:03d}", first, days))
    for number in range(churners):
        first, gap = START + dt.timedelta(days=4 * number), 20 + (11 * number) % 40
        days = [first + dt.timedelta(days=gap * n) for n in range(number % 4 + 1)]
        customers.append((f"c{number:03d}", first, days))
    return customers


def _build(as_of_date: str, **dbt_vars: str) -> subprocess.CompletedProcess:
    """dbt build of the prediction models in a process of its own (dbt-duckdb keeps the warehouse
    file open in the process that built, and `segments load` must open it next)."""
    root = project_dir()
    return subprocess.run(
        [str(DBT), "build", "--select", "+contact_predictions", "prediction_fits",
         "--indirect-selection", "cautious", "--project-dir", str(root), "--profiles-dir", str(root / "profiles"),
         "--vars", json.dumps({"segments_as_of_date": as_of_date, **dbt_vars})],
        env=dict(os.environ, DBT_SEND_ANONYMOUS_USAGE_STATS="false"), capture_output=True, text=True, timeout=600,
    )


def _write(folder: Path, churners: int) -> Path:
    folder.mkdir(parents=True)
    customers = _customers(60, churners)
    contacts = [{"contact_id": cid, "created_at": f"{first}T08:00:00Z"} for cid, first, _ in customers]
    orders = [
        {"order_id": f"{cid}-{n}", "line_number": "1", "contact_id": cid, "ordered_at": f"{day}T12:00:00Z",
         "status": "completed", "quantity": "1", "unit_price": _price(index, n), "currency": "EUR"}
        for index, (cid, _, days) in enumerate(customers) for n, day in enumerate(days)
    ]
    write_csv(folder / "contacts.csv", CONTACTS.columns, contacts)
    write_csv(folder / "orders.csv", ORDERS.columns, orders)
    write_csv(folder / "interactions.csv", INTERACTIONS.columns, [])
    return folder


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory, monkeypatch_module: pytest.MonkeyPatch) -> dict:
    """A warehouse holding the converged fits of the first data set, then loaded with the second."""
    folder = tmp_path_factory.mktemp("fit_guard")
    warehouse = folder / "warehouse.duckdb"
    monkeypatch_module.setenv("SEGMENTS_DUCKDB_PATH", str(warehouse))
    monkeypatch_module.setenv("DBT_TARGET_PATH", str(folder / "target"))
    assert main(["load", str(_write(folder / "with_churners", churners=60))]) == 0
    built = _build(CONVERGED_DATE)
    assert built.returncode == 0, built.stdout[-3000:]
    assert main(["load", str(_write(folder / "regular_only", churners=0))]) == 0
    return {"warehouse": warehouse}


def _query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def test_a_failed_fit_stops_the_build_with_the_remedy(history: dict) -> None:
    built = _build(FAILED_DATE)
    output = built.stdout + built.stderr
    assert built.returncode != 0 and "Runtime Error in model int_prediction_fits" in output, output[-3000:]
    assert "BG/NBD did not converge (status not_converged" in output, output[-3000:]
    assert re.search(r"\((scoring|calibration) fit, cut-off 2026-\d\d-\d\d\): BG/NBD", output), output[-3000:]
    assert "segments_prediction_failed_fit" in output
    assert "segments_prediction_parameters" in output
    # nothing was scored with it: the history holds the converged fits of the first build only
    assert _query(history["warehouse"], "select as_of_date, is_usable from prediction_fits") == [
        (dt.date(2026, 3, 31), True), (dt.date(2026, 3, 31), True)]


def test_a_failed_fit_falls_back_to_the_last_converged_one(history: dict) -> None:
    built = _build(FAILED_DATE, segments_prediction_failed_fit="last_converged")
    assert built.returncode == 0, built.stdout[-3000:]
    fits = _query(history["warehouse"], """
        select cast(as_of_date as varchar), fit_purpose, bgnbd_fit_status, is_usable, a
        from prediction_fits order by as_of_date, fit_purpose""")
    assert [row[:4] for row in fits] == [
        ("2026-03-31", "calibration", "converged", True),
        ("2026-03-31", "scoring", "converged", True),
        ("2026-06-30", "calibration", "not_converged", False),
        ("2026-06-30", "scoring", "not_converged", False),
    ]
    assert fits[3][4] == pytest.approx(1e-6)  # a on its bound
    used = _query(history["warehouse"], """
        select
            parameters.fit_purpose, parameters.parameter_source, cast(parameters.cutoff_date as varchar),
            cast(parameters.fitted_cutoff_date as varchar), parameters.a_parameter = fits.a
        from prediction_parameters as parameters
        inner join prediction_fits as fits
            on parameters.fit_purpose = fits.fit_purpose and fits.as_of_date = date '2026-03-31'
        order by parameters.fit_purpose""")
    assert used == [
        ("calibration", "last_converged_fit", "2026-04-01", "2025-12-31", True),
        ("scoring", "last_converged_fit", "2026-06-30", "2026-03-31", True),
    ]
    (scored,) = _query(history["warehouse"], "select count(*) from contact_predictions where p_alive is not null")
    assert scored[0] == 60  # the regular buyers, scored with the earlier parameters


def test_scores_match_the_reference_when_a_plus_b_is_below_one(history: dict) -> None:
    """The converged parameters of the first data set have a + b < 1, so the series' third
    factor a + b + x - 1 + k starts negative for one-time buyers: the SQL series must follow its
    sign, as scipy's hyp2f1 does."""
    ((r, alpha, a, b),) = _query(history["warehouse"], """
        select r_parameter, alpha_parameter, a_parameter, b_parameter
        from prediction_parameters where fit_purpose = 'scoring'""")
    horizon = project_vars()["segments_prediction_horizon_days"]
    assert a + b < 1
    rows = _query(history["warehouse"], """
        select repeat_purchases, days_first_to_last, days_first_to_cutoff, expected_purchases
        from contact_predictions order by contact_id""")
    x, t_x, big_t, sql = (np.array(column, dtype=float) for column in zip(*rows, strict=True))
    fit = predict.BgNbdFit(r, alpha, a, b, math.nan, 0, True, 0)
    reference = predict.expected_purchases(fit, horizon, x, t_x, big_t)
    assert np.isfinite(reference).all() and len(rows) == 60
    assert np.allclose(sql, reference, rtol=1e-9, atol=1e-9), (sql[:3], reference[:3])
