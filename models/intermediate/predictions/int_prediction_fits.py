"""Maximum-likelihood fits of the BG/NBD (purchase count) and Gamma-Gamma (spend) models.

One row per fit purpose: `scoring` (every customer up to as_of_date) and `calibration` (the same
customers up to segments_prediction_holdout_days earlier, to test the scores on what happened next). The
fit reads one aggregated table from the warehouse: the distinct (x, t_x, T) combinations with their
counts for BG/NBD, and one row per repeat customer for Gamma-Gamma; never order rows. The maths is
in segments.predict (tested against simulated data); this file only moves data.

Runs on DuckDB (dbt-duckdb executes Python models in-process). On other engines, or to pin the
parameters, set the var segments_prediction_parameters instead: this model is then disabled.

A fit is usable when it converged, or is the homogeneous-dropout limit of BG/NBD (the data show no
difference in dropout between customers; status homogeneous_dropout, see segments.predict) with a
converged Gamma-Gamma fit. Any other fit never scores silently: with the var
segments_prediction_failed_fit `error` (the default) this model stops the build with a message naming
the fit and the remedies; with `last_converged` it keeps the failed fit, flagged, and
int_prediction_parameters scores with the newest usable fit kept in int_prediction_fit_history.
"""

import datetime

import pandas as pd


def _fit(purpose, cutoff_date, counts, spend):
    from threadpoolctl import threadpool_limits

    from segments.predict import fit_bgnbd, fit_gamma_gamma

    try:
        # One BLAS thread: the arrays are a few thousand rows, and BLAS threads spinning against
        # DuckDB's own on a small machine cost more than they bring (the result is the same).
        with threadpool_limits(limits=1):
            bgnbd = fit_bgnbd(counts["x"].to_numpy(), counts["t_x"].to_numpy(), counts["big_t"].to_numpy(),
                              weights=counts["customers"].to_numpy())
            gamma_gamma = fit_gamma_gamma(spend["x"].to_numpy(), spend["m"].to_numpy())
    except ValueError as error:
        raise ValueError(f"prediction_fits ({purpose} fit, cut-off {str(cutoff_date)[:10]}): {error}; "
                         "set the var segments_prediction_parameters to fixed parameters instead") from None
    return {
        "fit_purpose": purpose,
        "cutoff_date": cutoff_date,
        "r": bgnbd.r, "alpha": bgnbd.alpha, "a": bgnbd.a, "b": bgnbd.b,
        "bgnbd_log_likelihood": bgnbd.log_likelihood,
        "bgnbd_sample_size": int(bgnbd.sample_size),
        "bgnbd_converged": bool(bgnbd.converged),
        "bgnbd_fit_status": bgnbd.status,
        "p": gamma_gamma.p, "q": gamma_gamma.q, "gamma": gamma_gamma.gamma,
        "gamma_gamma_log_likelihood": gamma_gamma.log_likelihood,
        "gamma_gamma_sample_size": int(gamma_gamma.sample_size),
        "gamma_gamma_converged": bool(gamma_gamma.converged),
    }


USABLE_BGNBD_STATUSES = ("converged", "homogeneous_dropout")


def _failure(row):
    """Why a fit may not score, or None when it may."""
    problems = []
    if row["bgnbd_fit_status"] not in USABLE_BGNBD_STATUSES:
        problems.append(f"BG/NBD did not converge (status {row['bgnbd_fit_status']}: r {row['r']:.6g}, "
                        f"alpha {row['alpha']:.6g}, a {row['a']:.6g}, b {row['b']:.6g})")
    if not row["gamma_gamma_converged"]:
        problems.append(f"Gamma-Gamma did not converge (p {row['p']:.6g}, q {row['q']:.6g}, "
                        f"gamma {row['gamma']:.6g})")
    return "; ".join(problems) or None


def _refuse(row, failure):
    raise ValueError(
        f"prediction_fits ({row['fit_purpose']} fit, cut-off {str(row['cutoff_date'])[:10]}): {failure}: its scores "
        "would not be trustworthy. Set the var segments_prediction_failed_fit to last_converged to score "
        "with the newest converged fit kept in prediction_fits, or segments_prediction_parameters to "
        "fixed parameters (`segments parameters` writes those of a good build)"
    )


def _no_customers(purpose):
    unknown = float("nan")
    return {
        "fit_purpose": purpose, "cutoff_date": None,
        "r": unknown, "alpha": unknown, "a": unknown, "b": unknown,
        "bgnbd_log_likelihood": unknown, "bgnbd_sample_size": 0, "bgnbd_converged": False,
        "bgnbd_fit_status": "no_customers",
        "p": unknown, "q": unknown, "gamma": unknown,
        "gamma_gamma_log_likelihood": unknown, "gamma_gamma_sample_size": 0,
        "gamma_gamma_converged": False,
        "is_usable": False,
    }


def model(dbt, session):
    dbt.config(materialized="table")
    failed_fit = dbt.config.meta_get("failed_fit", "error")
    if failed_fit not in ("error", "last_converged"):
        raise ValueError(f"var segments_prediction_failed_fit: '{failed_fit}' is neither error nor last_converged")
    summary = dbt.ref("int_customer_purchase_summary")
    counts = summary.query("summary", """
        select fit_purpose, cutoff_date, repeat_purchases as x, days_first_to_last as t_x,
               days_first_to_cutoff as big_t, count(*) as customers
        from summary
        group by all
        order by fit_purpose, x, t_x, big_t
    """).df()
    spend = summary.query("summary", """
        select fit_purpose, repeat_purchases as x, repeat_order_value as m
        from summary
        where repeat_purchases > 0 and repeat_order_value > 0
        order by fit_purpose, contact_id
    """).df()
    fitted_at = datetime.datetime.now(datetime.UTC).replace(tzinfo=None, microsecond=0)
    rows = []
    for purpose in ("scoring", "calibration"):
        purpose_counts = counts[counts["fit_purpose"] == purpose]
        if purpose_counts.empty:
            # No customer yet (a prospects-only CRM, a new source whose orders are all quarantined):
            # nothing to fit and nobody to score. The row says so; the build goes on.
            rows.append(_no_customers(purpose))
            continue
        cutoff_date = purpose_counts["cutoff_date"].iloc[0]
        row = _fit(purpose, cutoff_date, purpose_counts, spend[spend["fit_purpose"] == purpose])
        failure = _failure(row)
        if failure and failed_fit == "error":
            _refuse(row, failure)
        row["is_usable"] = failure is None
        rows.append(row)
    fits = pd.DataFrame(rows)
    fits["cutoff_date"] = pd.to_datetime(fits["cutoff_date"]).dt.date  # a date, not a timestamp
    fits["parameter_source"] = "fit"
    fits["fitted_at"] = fitted_at
    return fits
