"""Checks the `customer_scores` table written by examples/cpp/erp_scoring.cpp against the Python
package on the same database (make test-erp): the same orders, the models refitted in Python
(parameters equal to the stored JSON) and every score recomputed, within 1e-12.

    python examples/cpp/check_erp_scores.py DB            # check the scores
    python examples/cpp/check_erp_scores.py DB --digest   # print rows, models and a hash of the scores
"""
import hashlib
import json
import sqlite3
import sys

import numpy as np
import pandas as pd

import cvm

TOL = 1e-12


def close(name, got, want, tol=TOL):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    worst = float(np.max(np.abs(got - want) / np.maximum(1.0, np.abs(want))))
    if not worst <= tol:
        raise SystemExit(f"{name}: worst relative difference {worst:.3g} > {tol}")
    print(f"{name}: {len(got)} values within {worst:.1e} (<= {tol})")


def main(path):
    db = sqlite3.connect(path)
    orders = pd.read_sql_query("SELECT customer_id, ordered_on, amount FROM orders", db)
    orders["ordered_on"] = pd.to_datetime(orders["ordered_on"])
    s = cvm.summary_from_transactions(orders, "customer_id", "ordered_on", "amount",
                                      observation_period_end=orders["ordered_on"].max(), time_unit="W")
    scores = pd.read_sql_query("SELECT * FROM customer_scores ORDER BY customer_id", db).set_index("customer_id")
    if list(scores.index) != list(s.index):
        raise SystemExit("customer_scores does not hold exactly the summary's customers")
    stored = {name: text for name, text in db.execute(
        "SELECT name, json FROM models WHERE rowid IN (SELECT max(rowid) FROM models GROUP BY name)")}
    bg, gg = cvm.load_model(stored["bg_nbd"]), cvm.GammaGamma.from_json(stored["gamma_gamma"])
    # The fit itself: Python's fit on the same summary gives the stored parameters.
    refit = cvm.BetaGeo().fit(s, time_unit="W")
    want = json.loads(stored["bg_nbd"])["params"]
    close("BG/NBD parameters", [refit.params_[k] for k in want], list(want.values()))
    close("p_alive", scores["p_alive"], bg.probability_alive(s["frequency"], s["recency"], s["T"]))
    close("expected_purchases", scores["expected_purchases"],
          bg.expected_purchases(52.0, s["frequency"], s["recency"], s["T"]))
    close("clv", scores["clv"], cvm.customer_lifetime_value(bg, gg, s)["clv"])
    stages = cvm.loyalty_stages(s, model=bg)["stage"].astype(str)
    mismatch = int((stages.values != scores["loyalty_stage"].values).sum())
    if mismatch:
        raise SystemExit(f"loyalty_stage: {mismatch} customers differ")
    print(f"loyalty_stage: {len(stages)} equal")


def digest(path):
    db = sqlite3.connect(path)
    rows = db.execute("SELECT * FROM customer_scores ORDER BY customer_id").fetchall()
    n_models = db.execute("SELECT count(*) FROM models").fetchone()[0]
    print(f"{len(rows)} scores, {n_models} models, sha256 {hashlib.sha256(repr(rows).encode()).hexdigest()}")


if __name__ == "__main__":
    if sys.argv[2:] == ["--digest"]:
        digest(sys.argv[1])
    else:
        main(sys.argv[1])
