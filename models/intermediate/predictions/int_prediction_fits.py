"""Maximum-likelihood fits of the BG/NBD (purchase count) and Gamma-Gamma (spend) models.

One row per fit purpose: `scoring` (every customer up to as_of_date) and `calibration` (the same
customers up to segments_prediction_holdout_days earlier, to test the scores on what happened next). The
fit reads one aggregated table from the warehouse: the distinct (x, t_x, T) combinations with their
counts for BG/NBD, and one row per repeat customer for Gamma-Gamma; never order rows. The maths is
in segments.predict (tested against simulated data); this file only moves data.

Runs on DuckDB (dbt-duckdb executes Python models in-process). On other engines, or to pin the
parameters, set the var segments_prediction_parameters instead: this model is then disabled.

A fit that did not converge is kept and flagged (bgnbd_fit_status; a warn test reports it), so a
nightly build stays green: when the data show no difference in dropout between customers, the fit
is the homogeneous-dropout limit of BG/NBD (status homogeneous_dropout, see segments.predict).
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
        raise ValueError(f"prediction_fits ({purpose} fit, cut-off {cutoff_date}): {error}; "
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
    }


def model(dbt, session):
    dbt.config(materialized="table")
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
        rows.append(_fit(purpose, cutoff_date, purpose_counts, spend[spend["fit_purpose"] == purpose]))
    fits = pd.DataFrame(rows)
    fits["parameter_source"] = "fit"
    fits["fitted_at"] = fitted_at
    return fits
