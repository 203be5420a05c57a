"""The lead model's fits of this build: one row per fit purpose and term (coefficient).

Two fits, each an L2-regularised logistic regression of conversion on the features of
int_lead_features (segments.leads, tested against scikit-learn):

* `scoring`: fitted on the `training` cut-off (as_of_date - segments_lead_conversion_days, converted
  by as_of_date); contact_lead_scores scores today's prospects with it.
* `backtest`: the same model fitted one window earlier (the `backtest` cut-off, converted by the
  training cut-off); lead_score_evaluation scores the training cut-off's prospects with it, whose
  conversions it has never seen.

Runs on DuckDB (dbt-duckdb executes Python models in-process); other engines score with DuckDB's
coefficients, passed in the JSON of the var segments_prediction_parameters (`segments parameters`).
"""

import datetime

import pandas as pd

NOT_FEATURES = {"cutoff_role", "contact_id", "cutoff_date", "is_converted", "engagement_events"}
CATEGORICAL = ("client_group", "preferred_channel", "primary_need")
PURPOSES = {"scoring": "training", "backtest": "backtest"}  # fit purpose -> cut-off role it fits on


def _fit(relation, role, purpose, c):
    """Fit one purpose on its cut-off's rows, read one cut-off at a time in contact order (the
    rows of one cut-off are what a fit holds in memory: 2.5M prospects at 5M contacts)."""
    from threadpoolctl import threadpool_limits

    from segments.leads import fit_lead_model

    rows = relation.query(
        "features", f"select * from features where cutoff_role = '{role}' order by contact_id"
    ).df()
    numeric_names = [name for name in rows.columns if name not in NOT_FEATURES and name not in CATEGORICAL]
    numeric = {name: rows.pop(name).astype(float).to_numpy() for name in numeric_names}
    categorical = {name: rows.pop(name).astype(object).to_list() for name in CATEGORICAL}
    converted = rows.pop("is_converted").astype(bool).to_numpy()
    del rows
    with threadpool_limits(limits=1):  # small arrays: BLAS threads would only fight DuckDB's
        fit = fit_lead_model(numeric, categorical, converted, c=c)
    return [
        {
            "fit_purpose": purpose,
            "term_kind": term.term_kind,
            "feature": term.feature,
            "level": term.level,
            "center": term.center,
            "scale": term.scale,
            "coefficient": term.coefficient,
            "sample_size": fit.sample_size,
            "conversions": fit.conversions,
            "training_log_loss": fit.log_loss,
            "fit_status": fit.status,
            "regularisation_c": fit.regularisation_c,
        }
        for term in fit.terms
    ]


def model(dbt, session):
    dbt.config(materialized="table")
    c = float(dbt.config.meta_get("regularisation", 1.0))
    features = dbt.ref("int_lead_features")
    cutoffs = features.query("features", "select distinct cutoff_role, cutoff_date from features").df()
    fitted_at = datetime.datetime.now(datetime.UTC).replace(tzinfo=None, microsecond=0)
    rows = []
    for purpose, role in PURPOSES.items():
        rows += _fit(features, role, purpose, c)
    fits = pd.DataFrame(rows)
    cutoff_of = dict(zip(cutoffs["cutoff_role"], pd.to_datetime(cutoffs["cutoff_date"]).dt.date, strict=True))
    fits.insert(1, "cutoff_date", [cutoff_of.get(PURPOSES[p]) for p in fits["fit_purpose"]])
    fits["fitted_at"] = fitted_at
    return fits
