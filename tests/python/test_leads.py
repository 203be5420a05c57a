"""Lead scoring: the fit against scikit-learn, the SQL scores and evaluation against the Python
reference, and point in time: the features of a cut-off are the same whether the build's as_of_date
is the cut-off itself or one conversion window later."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import numpy as np
import pytest
from conftest import CLEAN_END_DATE
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss, roc_auc_score

from segments.leads import Term, fit_lead_model, score
from segments.project import project_vars

CATEGORICAL = ("client_group", "preferred_channel", "primary_need")
NOT_FEATURES = {"cutoff_role", "contact_id", "cutoff_date", "is_converted", "engagement_events"}


def _simulated(n: int, seed: int) -> tuple[dict, dict, np.ndarray]:
    rng = np.random.default_rng(seed)
    visits, tenure = rng.poisson(2, n), rng.exponential(100, n)
    group = rng.choice(["a", "b", "c"], n)
    logit = -3 + 0.6 * visits - 0.01 * tenure + (group == "b") * 1.2
    converted = rng.random(n) < 1 / (1 + np.exp(-logit))
    return {"visits": visits, "tenure": tenure}, {"group": list(group)}, converted


@pytest.mark.parametrize("c", [1.0, 0.05])
def test_the_fit_is_scikit_learns_regularised_logistic_regression(c: float) -> None:
    numeric, categorical, converted = _simulated(4000, seed=1)
    fit = fit_lead_model(numeric, categorical, converted, c=c)
    design = np.column_stack(
        [(numeric[name] - numeric[name].mean()) / numeric[name].std() for name in sorted(numeric)]
        + [np.asarray(categorical["group"]) == level for level in ("a", "b", "c")]
    ).astype(float)
    reference = LogisticRegression(C=c, tol=1e-12, max_iter=10_000).fit(design, converted)
    ours = [term.coefficient for term in fit.terms]
    assert fit.status == "converged"
    assert ours[0] == pytest.approx(reference.intercept_[0], abs=1e-5)
    assert ours[1:] == pytest.approx(list(reference.coef_[0]), abs=1e-5)
    probabilities = score(fit.terms, numeric, categorical)
    assert np.max(np.abs(probabilities - reference.predict_proba(design)[:, 1])) < 1e-6


def _gradient(fit, numeric: dict, categorical: dict, converted: np.ndarray, c: float) -> np.ndarray:
    """The objective's gradient at the fit, written out here from the objective's definition."""
    weights = np.array([term.coefficient for term in fit.terms])
    columns = [np.ones(len(converted))]
    for t in fit.terms[1:]:
        if t.term_kind == "numeric":
            columns.append((np.asarray(numeric[t.feature], dtype=float) - t.center) / t.scale)
        else:
            columns.append(np.asarray(categorical[t.feature], dtype=object) == t.level)
    design = np.column_stack(columns).astype(float)
    residual = 1 / (1 + np.exp(-(design @ weights))) - converted
    penalty = np.concatenate(([0.0], weights[1:]))
    return penalty + c * design.T @ residual


@pytest.mark.parametrize(("c", "separation"), [(1.0, 1.0), (0.05, 1.0), (1000.0, 8.0)])
def test_the_fit_is_the_minimum_to_machine_precision(c: float, separation: float) -> None:
    """First-order optimality: the gradient vanishes at the fit, also when the classes are almost
    separable and the penalty weak (where a plain Newton step would overshoot)."""
    numeric, categorical, _ = _simulated(6000, seed=3)
    rng = np.random.default_rng(4)
    logit = -2 + separation * (numeric["visits"] - 2) + (np.asarray(categorical["group"]) == "c") * 2
    converted = rng.random(6000) < 1 / (1 + np.exp(-logit))
    fit = fit_lead_model(numeric, categorical, converted, c=c)
    assert fit.status == "converged"
    assert np.max(np.abs(_gradient(fit, numeric, categorical, converted, c))) < 1e-7
    again = fit_lead_model(numeric, categorical, converted, c=c)
    assert [t.coefficient for t in again.terms] == [t.coefficient for t in fit.terms]  # bit for bit


def test_the_hessian_by_blocks_is_the_whole_hessian(monkeypatch: pytest.MonkeyPatch) -> None:
    from segments import leads

    numeric, categorical, converted = _simulated(5000, seed=5)
    whole = fit_lead_model(numeric, categorical, converted)
    monkeypatch.setattr(leads, "HESSIAN_BLOCK_ROWS", 777)  # 7 blocks, the last one short
    blocks = fit_lead_model(numeric, categorical, converted)
    assert [t.coefficient for t in blocks.terms] == pytest.approx([t.coefficient for t in whole.terms], abs=1e-12)


def test_prospects_grouped_by_their_features_give_the_fit_of_the_rows_one_by_one() -> None:
    """int_lead_fits fits on one row per distinct feature vector with its prospects and
    conversions: the same objective, so the same fit as the prospects one by one (to rounding)."""
    rng = np.random.default_rng(6)
    n = 20_000
    numeric = {"visits": rng.poisson(1.5, n).astype(float), "tenure": rng.integers(0, 12, n).astype(float)}
    categorical = {"group": list(rng.choice(["a", "b", None], n))}
    logit = -2.5 + 0.7 * numeric["visits"] - 0.05 * numeric["tenure"]
    converted = rng.random(n) < 1 / (1 + np.exp(-logit))
    one_by_one = fit_lead_model(numeric, categorical, converted)
    keys = list(zip(numeric["visits"], numeric["tenure"], categorical["group"], strict=True))
    groups = sorted(set(keys), key=repr)
    index = {key: position for position, key in enumerate(groups)}
    prospects, conversions = np.zeros(len(groups)), np.zeros(len(groups))
    for key, label in zip(keys, converted, strict=True):
        prospects[index[key]] += 1
        conversions[index[key]] += label
    assert len(groups) < n / 20  # the grouping does compress the rows
    grouped = fit_lead_model({"visits": [g[0] for g in groups], "tenure": [g[1] for g in groups]},
                             {"group": [g[2] for g in groups]}, conversions, prospects=prospects)
    assert grouped.status == one_by_one.status == "converged"
    assert (grouped.sample_size, grouped.conversions) == (n, int(converted.sum()))
    assert grouped.log_loss == pytest.approx(one_by_one.log_loss, rel=1e-12)
    assert [(t.term_kind, t.feature, t.level) for t in grouped.terms] == \
        [(t.term_kind, t.feature, t.level) for t in one_by_one.terms]
    for ours, theirs in zip(grouped.terms, one_by_one.terms, strict=True):
        assert (ours.center, ours.scale, ours.coefficient) == pytest.approx(
            (theirs.center, theirs.scale, theirs.coefficient), rel=1e-9, abs=1e-12)
    # and a grouping that lies (counts not matching the rows) gives another fit
    lying = fit_lead_model({"visits": [g[0] for g in groups], "tenure": [g[1] for g in groups]},
                           {"group": [g[2] for g in groups]}, conversions, prospects=prospects + 1)
    assert lying.terms[0].coefficient != pytest.approx(grouped.terms[0].coefficient, rel=1e-3)


def test_rows_without_a_conversion_give_the_base_rate_model() -> None:
    numeric, categorical, _ = _simulated(300, seed=2)
    fit = fit_lead_model(numeric, categorical, np.zeros(300, dtype=bool))
    assert fit.status == "base_rate"
    assert fit.terms[0].coefficient == pytest.approx(np.log(0.5 / 300.5))
    assert all(term.coefficient == 0 for term in fit.terms[1:])
    assert fit_lead_model({}, {}, []).status == "base_rate"  # no prospect at all: no error


def test_an_unseen_level_contributes_nothing() -> None:
    terms = (Term("intercept", "intercept", None, 0, 1, -1.0), Term("category", "group", "a", 0, 1, 2.0))
    probabilities = score(terms, {}, {"group": ["a", "zzz", None]})
    assert probabilities == pytest.approx([1 / (1 + np.exp(-1)), 1 / (1 + np.exp(1)), 1 / (1 + np.exp(1))])


@pytest.fixture(scope="module")
def lead_tables(clean_build: Path) -> dict:
    with duckdb.connect(str(clean_build)) as connection:
        return {name: connection.execute(f"select * from main.{name}").df()
                for name in ("int_lead_features", "int_lead_coefficients", "contact_lead_scores",
                             "lead_score_evaluation", "contact_segments")}


def _terms(coefficients, purpose: str) -> list[Term]:
    rows = coefficients[coefficients["fit_purpose"] == purpose]
    return [Term(r.term_kind, r.feature, None if r.level is None or r.level != r.level else r.level,
                 r.center, r.scale, r.coefficient) for r in rows.itertuples()]


def _reference_scores(tables: dict, role: str, purpose: str):
    features = tables["int_lead_features"]
    rows = features[features["cutoff_role"] == role].sort_values("contact_id")
    numeric = [name for name in rows.columns if name not in NOT_FEATURES and name not in CATEGORICAL]
    probabilities = score(_terms(tables["int_lead_coefficients"], purpose),
                          {name: rows[name].astype(float).to_numpy() for name in numeric},
                          {name: rows[name].to_list() for name in CATEGORICAL})
    return rows, probabilities


def test_sql_scores_equal_the_python_reference(lead_tables: dict) -> None:
    rows, probabilities = _reference_scores(lead_tables, "scoring", "scoring")
    scores = lead_tables["contact_lead_scores"].sort_values("contact_id")
    assert list(scores["contact_id"]) == list(rows["contact_id"])
    assert len(scores) > 200
    assert np.max(np.abs(scores["lead_probability"].to_numpy() - probabilities)) < 1e-9
    assert scores["lead_probability"].nunique() > 50  # the features move the score


def test_the_evaluation_is_the_out_of_time_auc_and_log_loss(lead_tables: dict) -> None:
    rows, probabilities = _reference_scores(lead_tables, "training", "backtest")
    converted = rows["is_converted"].astype(bool).to_numpy()
    evaluation = lead_tables["lead_score_evaluation"]
    assert 0 < converted.sum() < len(converted)
    assert evaluation["contacts"].iloc[0] == len(rows)
    assert evaluation["conversions"].iloc[0] == converted.sum()
    assert evaluation["decile_contacts"].sum() == len(rows)
    assert evaluation["auc"].iloc[0] == pytest.approx(roc_auc_score(converted, probabilities), abs=1e-8)
    assert evaluation["log_loss"].iloc[0] == pytest.approx(log_loss(converted, probabilities), abs=1e-8)
    top = evaluation.loc[evaluation["decile"].idxmax()]
    assert top["lift"] == pytest.approx(top["top_decile_lift"])


def test_contact_segments_tiers_every_contact(lead_tables: dict) -> None:
    segments, scores = lead_tables["contact_segments"], lead_tables["contact_lead_scores"]
    tiers = dict(zip(segments["contact_id"], segments["lead_tier"], strict=True))
    pairs = zip(scores["contact_id"], scores["lead_tier"], strict=True)
    assert all(tiers[contact] == tier for contact, tier in pairs)
    customers = segments[segments["rfm_segment"] != "non_customer"]
    assert set(customers["lead_tier"]) == {"customer"}
    cutoffs = project_vars()["segments_lead_tier_cutoffs"]
    hot = scores[scores["lead_tier"] == "hot_lead"]["lead_probability"]
    assert (hot >= cutoffs[-1]).all()


def test_features_never_see_the_label_period(clean_build: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Shift the window: rebuild the features with as_of_date = the training cut-off. Its scoring
    rows (features on that date, from data up to that date) must equal the training rows of the
    build one conversion window later, which also holds every order and interaction since."""
    from segments.runner import run_dbt

    days = project_vars()["segments_lead_conversion_days"]
    cutoff = (dt.date.fromisoformat(CLEAN_END_DATE) - dt.timedelta(days=days)).isoformat()
    copy = tmp_path / "shifted.duckdb"
    copy.write_bytes(clean_build.read_bytes())
    monkeypatch.setenv("SEGMENTS_DUCKDB_PATH", str(copy))
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    run_dbt(["run", "--select", "+int_lead_features", "--exclude", "resource_type:seed",
             "path:models/staging"],  # staging has no as_of_date: the earlier date leaves it as it is
            {"segments_as_of_date": cutoff})
    query = "select * exclude (cutoff_role, is_converted) from main.int_lead_features where cutoff_role = ? " \
            "order by contact_id"
    with duckdb.connect(str(copy)) as connection:
        shifted = connection.execute(query, ["scoring"]).fetchall()
    with duckdb.connect(str(clean_build)) as connection:
        later = connection.execute(query, ["training"]).fetchall()
        interactions_since = connection.execute(
            "select count(*) from main.int_interactions where occurred_on > cast(? as date)", [cutoff]
        ).fetchone()[0]
    assert interactions_since > 0  # the later build did see the label period
    assert len(shifted) > 200
    assert shifted == later
