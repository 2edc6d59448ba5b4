"""cvm.compat.lifetimes vs lifetimes 0.11.3, side by side in one process (`make bench-python`).

Each task runs the same call through both libraries on the same data (the CDNOW summaries, the
donations, lifetimes' example transaction log, and a 50,000-customer BG/NBD cohort simulated by
cvm), prints the best of R wall-clock times, the ratio and the largest absolute and relative
differences of the results, and writes them to benches/results/compat.json. Runs in the pinned
lifetimes stack of benches/requirements-bench.txt (.venv-bench, where `make bench-python`
installs cvm): the compat layer is timed on that old stack too.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import platform
import time
import warnings

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")
import lifetimes as lt  # noqa: E402
import lifetimes.datasets  # noqa: E402,F401
import lifetimes.utils as lt_utils  # noqa: E402

import cvm.compat.lifetimes as cl  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
OUT = ROOT / "benches" / "results" / "compat.json"


def best_of(fn, repeats: int):
    times, result = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def diff(a, b) -> tuple[float, float]:
    """Largest absolute and relative difference of two results (params: Series by name)."""
    if isinstance(a, pd.Series) and isinstance(b, pd.Series) and not a.index.equals(b.index):
        b = b[a.index]
    x, y = np.asarray(a, dtype=float).ravel(), np.asarray(b, dtype=float).ravel()
    ok = np.isfinite(x) & np.isfinite(y)
    absolute = np.abs(x[ok] - y[ok])
    return float(absolute.max()), float((absolute / np.maximum(np.abs(x[ok]), 1e-300)).max())


def tasks(args):
    """(name, lifetimes call, cvm.compat call): each returns the numbers compared."""
    cdnow = lt.datasets.load_cdnow_summary(index_col=[0])
    money = lt.datasets.load_cdnow_summary_data_with_monetary_value()
    repeat = money[money["frequency"] > 0]
    donations = lt.datasets.load_donations()
    log = lt.datasets.load_transaction_data()
    f, r, T = cdnow["frequency"], cdnow["recency"], cdnow["T"]
    np.random.seed(1)
    big = cl.generate_data.beta_geometric_nbd_model(39.0, 0.243, 4.414, 0.793, 2.426, size=args.customers)
    bf, br, bT = big["frequency"], big["recency"], big["T"]

    lt_bg = lt.BetaGeoFitter().fit(f, r, T)
    cl_bg = cl.BetaGeoFitter().fit(f, r, T)
    lt_gg = lt.GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
    cl_gg = cl.GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
    lt_daily = lt.BetaGeoFitter().fit(*lt_utils.summary_data_from_transaction_data(
        log, "id", "date", observation_period_end="2014-12-31")[["frequency", "recency", "T"]].T.to_numpy())
    cl_daily = cl.BetaGeoFitter()
    cl_daily.params_ = lt_daily.params_
    lt_pnbd = lt.ParetoNBDFitter()
    lt_pnbd.params_ = pd.Series({"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669})
    cl_pnbd = cl.ParetoNBDFitter()
    cl_pnbd.params_ = lt_pnbd.params_
    for m in (cl_bg,):
        m.params_ = lt_bg.params_  # predictions compared at the same parameters
    cl_gg.params_ = lt_gg.params_
    mine = log[log["id"] == 35]
    return [
        ("BG/NBD fit, CDNOW (2,357)", lambda: lt.BetaGeoFitter().fit(f, r, T).params_,
         lambda: cl.BetaGeoFitter().fit(f, r, T).params_),
        ("MBG/NBD fit, CDNOW", lambda: lt.ModifiedBetaGeoFitter().fit(f, r, T).params_,
         lambda: cl.ModifiedBetaGeoFitter().fit(f, r, T).params_),
        ("Pareto/NBD fit, CDNOW", lambda: lt.ParetoNBDFitter().fit(f, r, T).params_,
         lambda: cl.ParetoNBDFitter().fit(f, r, T).params_),
        ("Gamma-Gamma fit, CDNOW repeat buyers", lambda: lt.GammaGammaFitter().fit(
            repeat["frequency"], repeat["monetary_value"]).params_,
         lambda: cl.GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"]).params_),
        ("BG/BB fit, donations (22 rows)", lambda: lt.BetaGeoBetaBinomFitter().fit(
            donations["frequency"], donations["recency"], donations["periods"], weights=donations["weights"]).params_,
         lambda: cl.BetaGeoBetaBinomFitter().fit(
            donations["frequency"], donations["recency"], donations["periods"], weights=donations["weights"]).params_),
        (f"BG/NBD fit, simulated ({args.customers:,})", lambda: lt.BetaGeoFitter().fit(bf, br, bT).params_,
         lambda: cl.BetaGeoFitter().fit(bf, br, bT).params_),
        ("expected purchases 39 weeks, CDNOW", lambda: lt_bg.predict(39, f, r, T), lambda: cl_bg.predict(39, f, r, T)),
        ("P(alive), CDNOW", lambda: lt_bg.conditional_probability_alive(f, r, T),
         lambda: cl_bg.conditional_probability_alive(f, r, T)),
        ("Pareto/NBD P(X(T, T+39) = n), n = 0..5, CDNOW",
         lambda: np.concatenate([lt_pnbd.conditional_probability_of_n_purchases_up_to_time(n, 39, f, r, T)
                                 for n in range(6)]),
         lambda: np.concatenate([cl_pnbd.conditional_probability_of_n_purchases_up_to_time(n, 39, f, r, T)
                                 for n in range(6)])),
        ("P(alive) matrix", lambda: lt_bg.conditional_probability_alive_matrix(),
         lambda: cl_bg.conditional_probability_alive_matrix()),
        ("CLV 12 months (BG/NBD × Gamma-Gamma), CDNOW", lambda: lt_gg.customer_lifetime_value(
            lt_bg, money["frequency"], money["recency"], money["T"], money["monetary_value"], freq="W"),
         lambda: cl_gg.customer_lifetime_value(cl_bg, money["frequency"], money["recency"], money["T"],
                                               money["monetary_value"], freq="W")),
        ("summary of the example log (15,273 rows)", lambda: lt_utils.summary_data_from_transaction_data(
            log, "id", "date", observation_period_end="2014-12-31"),
         lambda: cl.utils.summary_data_from_transaction_data(log, "id", "date", observation_period_end="2014-12-31")),
        ("calibration/holdout of the example log", lambda: lt_utils.calibration_and_holdout_data(
            log, "id", "date", "2014-09-01", "2014-12-31"),
         lambda: cl.utils.calibration_and_holdout_data(log, "id", "date", "2014-09-01", "2014-12-31")),
        ("expected cumulative transactions (364 days)", lambda: lt_utils.expected_cumulative_transactions(
            lt_daily, log, "date", "id", 364),
         lambda: cl.utils.expected_cumulative_transactions(cl_daily, log, "date", "id", 364)),
        ("alive path of one customer (200 days)",
         lambda: np.concatenate(lt_utils.calculate_alive_path(lt_daily, mine, "date", 200).to_numpy()).astype(float),
         lambda: cl.utils.calculate_alive_path(cl_daily, mine, "date", 200)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--customers", type=int, default=50_000)
    args = parser.parse_args()
    rows = []
    print(f"{'task':46s} {'lifetimes s':>11s} {'cvm s':>9s} {'ratio':>7s} {'max abs diff':>12s} {'max rel diff':>12s}")
    for name, theirs, ours in tasks(args):
        t_lt, a = best_of(theirs, args.repeats)
        t_cvm, b = best_of(ours, args.repeats)
        d_abs, d_rel = diff(a, b)
        rows.append({"task": name, "lifetimes_s": t_lt, "cvm_s": t_cvm, "ratio": t_lt / t_cvm,
                     "max_abs_diff": d_abs, "max_rel_diff": d_rel})
        print(f"{name:46s} {t_lt:11.4f} {t_cvm:9.4f} {t_lt / t_cvm:6.1f}× {d_abs:12.3g} {d_rel:12.3g}")
    ratios = np.array([r["ratio"] for r in rows])
    print(f"geometric mean speed-up: {np.exp(np.log(ratios).mean()):.1f}×")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"machine": platform.platform(), "python": platform.python_version(),
                               "numpy": np.__version__, "pandas": pd.__version__, "repeats": args.repeats,
                               "results": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
