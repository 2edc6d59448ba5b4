"""Per-customer results from Python: the time of each call on N seeded customers, text columns
included (the reasons, labels and causes a notebook reads).

Compares with nothing else: the figure to read is the call against the core's criterion
benchmark of the same function (docs/benchmarks.md, thirteenth round). Run it once a thread
count:

    RAYON_NUM_THREADS=1 .venv/bin/python benches/python_results.py --customers 1000000
    RAYON_NUM_THREADS=2 .venv/bin/python benches/python_results.py --customers 1000000
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd

import cvm


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=7, help="best of R runs (the slowest: R/2)")
    ap.add_argument("--only", nargs="+", metavar="CALL", help="time these calls only (in a fresh "
                    "process each, the heap is the call's own)")
    args = ap.parse_args()
    n = args.customers
    rng = np.random.default_rng(7)
    t = rng.uniform(10, 40, n)
    freq = rng.poisson(2, n).astype(float)
    rec = np.where(freq > 0, t * rng.uniform(0, 1, n), 0.0)
    summary = pd.DataFrame({"frequency": freq, "recency": rec, "T": t})
    current, potential = rng.gamma(2, 50, n), rng.gamma(2, 80, n)
    # Poisson counts with uniform recencies show no dropout heterogeneity: a small penalty
    # keeps the BG/NBD's a and b finite.
    bg = cvm.BetaGeo(penalizer=0.001).fit(summary)
    signals = pd.DataFrame({
        "belief_better": rng.uniform(0, 1, n),
        "satisfaction": rng.integers(1, 6, n).astype(float),
        "repurchase_intent": rng.integers(1, 6, n).astype(float),
        "repeat_despite_obstacles": rng.integers(0, 3, n).astype(float),
    })
    flags = pd.DataFrame({"competitor": rng.uniform(size=n) < 0.3,
                          "payment_lapse": rng.uniform(size=n) < 0.3})
    accounts = pd.DataFrame({
        "holdings_balance": rng.choice([0.0, 5.0], n),
        "cash_balance": rng.uniform(0, 200, n),
        "years_since_last_trade": rng.uniform(0, 6, n),
    })
    a_year_on = accounts.assign(years_since_last_trade=accounts["years_since_last_trade"] + 1)
    dormant = cvm.rules.dormant_account()
    profit = pd.DataFrame(rng.normal(100, 50, (n, 4)), columns=["q1", "q2", "q3", "q4"])
    calls = {
        "value_matrix": lambda: cvm.value_matrix(current, potential),
        "loyalty_stages": lambda: cvm.loyalty_stages(summary),
        "loyalty_levels": lambda: cvm.loyalty_levels(signals),
        "churn_types": lambda: cvm.churn_types(flags),
        "churn_risk": lambda: cvm.churn_risk(bg, summary, 12.0),
        "rules.evaluate": lambda: dormant.evaluate(accounts, reasons=False),
        "rules.evaluate+reasons": lambda: dormant.evaluate(accounts),
        "dormant_transitions": lambda: cvm.rules.dormant_transitions(accounts, a_year_on),
        "relationship_trend": lambda: cvm.relationship_trend(profit),
    }
    warnings.simplefilter("ignore", cvm.CvmWarning)
    for name, call in calls.items():
        if args.only and name not in args.only:
            continue
        call()
        best = float("inf")
        slow = name in ("churn_risk", "rules.evaluate+reasons", "dormant_transitions")
        for _ in range(max(1, args.repeat // 2) if slow else args.repeat):
            start = time.perf_counter()
            call()
            best = min(best, time.perf_counter() - start)
        print(f"{name:24s} {best * 1e3:9.1f} ms")


if __name__ == "__main__":
    main()
