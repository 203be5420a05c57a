"""The SQL scores of contact_predictions against the Python reference formulas of segments.predict
(scipy's hyp2f1), on generated data, with the parameters the build used (prediction_parameters).

The mart rounds probabilities and purchase counts to 9 decimals and money to 6, so a SQL value may
sit up to half a unit of its last place from the exact one: the tolerances below are 1e-9 (relative,
or absolute below 1) plus that half unit.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import duckdb
import numpy as np
import pytest
import yaml
from scipy import special

from segments import predict
from segments.cli import main
from segments.parameters import PARAMETERS
from segments.project import project_dir


def _project_vars() -> dict:
    return yaml.safe_load((project_dir() / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]


@pytest.fixture(scope="module")
def scored(clean_build: Path) -> dict:
    with duckdb.connect(str(clean_build)) as connection:
        values = connection.execute(
            "select " + ", ".join(f"{name}_parameter" for name in PARAMETERS)
            + " from prediction_parameters where fit_purpose = 'scoring'"
        ).fetchone()
        frame = connection.execute("select * from contact_predictions order by contact_id").df()
        series = connection.execute("select * from int_bgnbd_series where fit_purpose = 'scoring'").df()
    named = dict(zip(PARAMETERS, values, strict=True))
    fit = predict.BgNbdFit(named["r"], named["alpha"], named["a"], named["b"], math.nan, 0, True, 0)
    gg = predict.GammaGammaFit(named["p"], named["q"], named["gamma"], math.nan, 0, True, 0)
    return {"fit": fit, "gg": gg, "frame": frame, "series": series}


def _close(sql: np.ndarray, reference: np.ndarray, half_unit: float) -> np.ndarray:
    return np.abs(sql - reference) <= 1e-9 * np.maximum(1.0, np.abs(reference)) + half_unit


def test_sql_scores_match_the_python_reference(scored: dict) -> None:
    fit, gg, frame = scored["fit"], scored["gg"], scored["frame"]
    project_vars = _project_vars()
    horizon = project_vars["segments_prediction_horizon_days"]
    x = frame["repeat_purchases"].to_numpy(float)
    t_x = frame["days_first_to_last"].to_numpy(float)
    big_t = frame["days_first_to_cutoff"].to_numpy(float)
    m = frame["repeat_order_value"].fillna(0).to_numpy(float)
    references = {
        "p_alive": (predict.p_alive(fit, x, t_x, big_t), 5e-10),
        "expected_purchases": (predict.expected_purchases(fit, horizon, x, t_x, big_t), 5e-10),
        "p_no_purchase": (predict.p_no_purchase(fit, horizon, x, t_x, big_t), 5e-10),
        "expected_order_value": (predict.expected_order_value(gg, x, m), 5e-7),
        "predicted_clv": (predict.clv(fit, gg, x, t_x, big_t, m, project_vars["segments_clv_horizon_periods"],
                                      project_vars["segments_clv_period_days"],
                                      project_vars["segments_clv_annual_discount_rate"]), 5e-7),
    }
    assert len(frame) > 300 and (x > 0).sum() > 100 and (x == 0).sum() > 50
    for column, (reference, half_unit) in references.items():
        sql = frame[column].to_numpy(float)
        assert np.isfinite(reference).all(), column
        bad = ~_close(sql, reference, half_unit)
        assert not bad.any(), (f"{column}: {bad.sum()} customers differ, "
                               f"e.g. {sql[bad][:3]} vs {reference[bad][:3]}")


def test_sql_series_matches_scipy_hyp2f1(scored: dict) -> None:
    fit, series = scored["fit"], scored["series"]
    x = series["repeat_purchases"].to_numpy(float)
    z = series["horizon_days"] / (fit.alpha + series["days_first_to_cutoff"] + series["horizon_days"])
    reference = special.hyp2f1(fit.a + fit.b - 1 - fit.r, fit.a - 1, fit.a + fit.b + x - 1, z.to_numpy(float))
    relative = np.abs(series["series_value"].to_numpy(float) / reference - 1)
    assert len(series) > 100
    assert relative.max() < 1e-12, f"worst relative error {relative.max():.3e}"
    assert (series["last_term_share"] < 1e-12).all()


def test_churn_risk_follows_the_probability_of_no_purchase(scored: dict) -> None:
    frame = scored["frame"]
    cutoffs, labels = _project_vars()["segments_churn_risk_cutoffs"], _project_vars()["segments_churn_risk_labels"]
    expected = np.array(labels)[np.searchsorted(cutoffs, frame["p_no_purchase"].to_numpy(), side="right")]
    assert (frame["churn_risk"].to_numpy() == expected).all()
    one_time = frame[frame["repeat_purchases"] == 0]
    assert (one_time["p_alive"] == 1).all()
    # one-time buyers get a real probability that grows with the days since their first order
    ordered = one_time.sort_values("days_first_to_cutoff")
    assert ordered["p_no_purchase"].is_monotonic_increasing
    assert ordered["p_no_purchase"].nunique() > 10


def test_fixed_parameters_reproduce_the_fitted_scores(clean_build: Path, tmp_path: Path, capsys,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """`segments parameters` prints the fit as the JSON the var takes; a build given it (no fit)
    gives the same contact_predictions, bit for bit: what another engine is scored with."""
    assert main(["parameters", "--database", str(clean_build)]) == 0
    printed = capsys.readouterr().out
    parameters = json.loads(printed)
    assert set(parameters) == {"scoring", "calibration", "lead"}
    assert set(parameters["scoring"]) == set(PARAMETERS)
    assert set(parameters["lead"]) == {"scoring", "backtest"}
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(clean_build.read_bytes())
    monkeypatch.setenv("SEGMENTS_PREDICTION_PARAMETERS", printed)
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    assert main(["build", "--database", str(copy), "--as-of-date", "2026-06-30",
                 "--select", "int_prediction_parameters+", "int_lead_coefficients+"]) == 0
    queries = ("select * from contact_predictions order by contact_id",
               "select * from contact_lead_scores order by contact_id",
               "select * from lead_score_evaluation order by decile")
    with duckdb.connect(str(copy)) as connection:
        sources = connection.execute("select distinct parameter_source from prediction_parameters").fetchall()
        lead_sources = connection.execute(
            "select distinct coefficient_source from int_lead_coefficients").fetchall()
        rebuilt = [connection.execute(sql).fetchall() for sql in queries]
    with duckdb.connect(str(clean_build)) as connection:
        fitted = [connection.execute(sql).fetchall() for sql in queries]
    assert sources == [("fixed",)] and lead_sources == [("fixed",)]
    assert len(rebuilt[0]) == len(fitted[0]) > 300
    assert len(rebuilt[1]) == len(fitted[1]) > 200
    assert rebuilt == fitted


def test_malformed_parameters_are_one_clear_error(clean_build: Path, tmp_path: Path, capsys,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(clean_build.read_bytes())
    monkeypatch.setenv("SEGMENTS_PREDICTION_PARAMETERS", '{"scoring": {"r": 1}}')
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    status = main(["build", "--database", str(copy), "--as-of-date", "2026-06-30",
                   "--select", "prediction_parameters"])
    assert status != 0
    assert "lacks parameter 'alpha'" in capsys.readouterr().err


# A month-end of this data set (2000 contacts, seed 7, to 2026-12-02) whose BG/NBD likelihood is flat
# along a ridge towards a = 30,000 - 92,000 and b near 1e6: a fit that follows the ridge makes the
# series terms of int_bgnbd_series overflow a decimal cast. One date (each build costs about two
# minutes) stands for the others of that kind.
RUNAWAY_FIT_DATES = ("2025-11-30",)


@pytest.fixture(scope="module")
def past_dates_warehouse(tmp_path_factory: pytest.TempPathFactory, monkeypatch_module: pytest.MonkeyPatch) -> Path:
    folder = tmp_path_factory.mktemp("past_dates")
    data, warehouse = folder / "data", folder / "warehouse.duckdb"
    monkeypatch_module.setenv("SEGMENTS_DUCKDB_PATH", str(warehouse))
    monkeypatch_module.setenv("DBT_TARGET_PATH", str(folder / "target"))
    assert main(["generate", "--contacts", "2000", "--seed", "7", "--end-date", "2026-12-02",
                 "--out", str(data)]) == 0
    assert main(["load", str(data)]) == 0
    return warehouse


@pytest.mark.parametrize("as_of_date", RUNAWAY_FIT_DATES)
def test_past_dates_build_with_a_sane_or_flagged_fit(past_dates_warehouse: Path, as_of_date: str) -> None:
    """The prediction models and their tests build green; each fit has converged to moderate
    parameters or is flagged as the homogeneous-dropout limit (a + b = 1e6, bgnbd_converged
    false), and every customer is scored with a converged series."""
    from segments.runner import run_dbt

    run_dbt(["build", "--select", "+contact_predictions", "+prediction_calibration",
             "--indirect-selection", "cautious"], {"segments_as_of_date": as_of_date})
    with duckdb.connect(str(past_dates_warehouse)) as connection:
        fits = connection.execute(
            "select fit_purpose, r, alpha, a, b, bgnbd_converged, bgnbd_fit_status from int_prediction_fits"
        ).fetchall()
        scores = connection.execute(
            "select count(*), count(expected_purchases), count(predicted_clv),"
            " sum(case when is_series_converged then 1 else 0 end), min(p_alive), max(p_alive)"
            " from contact_predictions where as_of_date = cast(? as date)", [as_of_date]
        ).fetchone()
    statuses = {purpose: status for purpose, *_, status in fits}
    assert "homogeneous_dropout" in statuses.values(), statuses
    for purpose, r, alpha, a, b, converged, status in fits:
        assert 0.01 < r < 5 and 1 < alpha < 100, (purpose, r, alpha)
        if status == "converged":
            assert converged and a < 1e3 and b < 1e4, (purpose, a, b)
        else:
            assert status == "homogeneous_dropout" and not converged, (purpose, status)
            assert a + b == pytest.approx(predict.HOMOGENEOUS_DROPOUT_SCALE) and 0.005 < a / (a + b) < 0.2
    customers, expected, clv, converged_series, lowest, highest = scores
    assert customers > 100 and expected == clv == converged_series == customers
    assert 0 <= lowest <= highest <= 1
