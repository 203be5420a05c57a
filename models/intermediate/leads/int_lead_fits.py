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
    """Fit one purpose on its cut-off's prospects, grouped in the warehouse by their features: one
    row per distinct feature vector with its prospects and conversions (at 5M contacts 959,970 rows
    for 2,569,014 training prospects: the rows a fit holds in memory), in the order of the features."""
    from threadpoolctl import threadpool_limits

    from segments.leads import fit_lead_model

    features = [name for name in relation.columns if name not in NOT_FEATURES]
    numeric_names = [name for name in features if name not in CATEGORICAL]
    listed = ", ".join(features)
    as_double = ", ".join(f"cast({name} as double) as {name}" for name in numeric_names)
    rows = relation.query("features", f"""
        select
            {", ".join(CATEGORICAL)}, {as_double},
            count(*) as prospects, cast(sum(case when is_converted then 1 else 0 end) as bigint) as conversions
        from features
        where cutoff_role = '{role}'
        group by {listed}
        order by {listed}
    """).fetchnumpy()
    numeric = {name: rows.pop(name) for name in numeric_names}  # float64 arrays, as fetched
    categorical = {name: rows.pop(name).astype(object).tolist() for name in CATEGORICAL}
    with threadpool_limits(limits=1):  # small arrays: BLAS threads would only fight DuckDB's
        fit = fit_lead_model(numeric, categorical, rows["conversions"], c=c, prospects=rows["prospects"])
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
