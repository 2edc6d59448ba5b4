"""Bad inputs of ``cvm.plotting`` (Python only: the plots have no Rust or C counterpart). Every
row fails before anything is drawn, so the catalogue runs without matplotlib.

Rows ``(name, call, exception class, field, index, message substring)``, run by
``test_catalogue.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import cvm
import cvm.plotting as cp
from cvm import InvalidTypeError, InvalidValueError, MissingColumnError

BG = cvm.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426, time_unit="W")
GG = cvm.GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
SUMMARY = pd.DataFrame({"frequency": [0.0, 2.0, 1.0], "recency": [0.0, 5.0, 3.0], "T": [6.0, 8.0, 9.0],
                        "monetary_value": [0.0, 20.0, 35.0]})
LOG = pd.DataFrame({"customer_id": [1, 1, 2], "date": pd.to_datetime(["2024-01-01", "2024-01-20", "2024-01-05"])})
MATRIX = cvm.value_matrix([1.0, 2.0, 3.0, 4.0], [1.0, 3.0, 2.0, 4.0])
STAGES = pd.DataFrame({"stage": ["repeat", "lapsed"]})

CASES = [
    ("plot: spend model where a transaction model is expected", lambda: cp.plot_period_transactions(GG, SUMMARY),
     InvalidTypeError, "model", None, "expected a fitted BetaGeo, ModifiedBetaGeo, ParetoNBD model, got cvm.GammaGamma"),
    ("plot: transaction model where the spend model is expected", lambda: cp.plot_spend_distribution(BG, SUMMARY),
     InvalidTypeError, "model", None, "expected a fitted GammaGamma model, got cvm.BetaGeo"),
    ("plot: model not fitted", lambda: cp.plot_probability_alive_matrix(cvm.BetaGeo(), max_frequency=2, max_recency=3),
     InvalidValueError, "model", None, "not fitted"),
    ("plot: summary without monetary_value",
     lambda: cp.plot_spend_distribution(GG, SUMMARY.drop(columns="monetary_value")),
     MissingColumnError, "monetary_value", None, "no such column"),
    ("plot: spend without a repeat buyer", lambda: cp.plot_spend_distribution(GG, SUMMARY.iloc[:1]),
     InvalidValueError, "frequency", None, "no repeat buyers"),
    ("plot: spend axis quantile outside (0, 1]", lambda: cp.plot_spend_distribution(GG, SUMMARY, quantile=0.0),
     InvalidValueError, "quantile", None, "(0, 1]"),
    ("plot: matrix without summary or limits", lambda: cp.plot_frequency_recency_matrix(BG),
     InvalidValueError, "summary", None, "max_frequency and max_recency"),
    ("plot: matrix grid beyond its bound",
     lambda: cp.plot_probability_alive_matrix(BG, max_frequency=10**6, max_recency=10**6),
     InvalidValueError, "max_frequency", None, "more than 1,000,000 cells"),
    ("plot: matrix max_recency NaN", lambda: cp.plot_probability_alive_matrix(BG, max_frequency=2, max_recency=np.nan),
     InvalidValueError, "max_recency", None, "finite number >= 1"),
    ("plot: histogram of zero bins", lambda: cp.plot_period_transactions(BG, SUMMARY, max_frequency=0),
     InvalidValueError, "max_frequency", None, "between 1 and 1,000"),
    ("plot: curve of zero points", lambda: cp.plot_expected_repeat_purchases(BG, t_max=10, points=0),
     InvalidValueError, "points", None, "between 1 and 100,000"),
    ("plot: exposure of more than 10,000 customers", lambda: cp.plot_customer_exposure(SUMMARY, n=20_000),
     InvalidValueError, "n", None, "between 1 and 10,000"),
    ("plot: tracking with a model of unknown time unit",
     lambda: cp.plot_cumulative_transactions(BG.with_time_unit(None), LOG, "customer_id", "date"),
     InvalidValueError, "model", None, "time unit is unknown"),
    ("plot: tracking past the end of the log",
     lambda: cp.plot_cumulative_transactions(BG, LOG, "customer_id", "date", t=5),
     InvalidValueError, "t", None, "the log spans 2.71 weeks"),
    ("plot: tracking log without the id column", lambda: cp.plot_cumulative_transactions(BG, LOG, "id", "date"),
     MissingColumnError, "id", None, "the column given as customer_id_col"),
    ("plot: history of an unknown customer",
     lambda: cp.plot_history_alive(BG, LOG, 7, "customer_id", "date"),
     InvalidValueError, "customer_id", None, "no transaction of customer 7"),
    ("plot: history ending before the last purchase",
     lambda: cp.plot_history_alive(BG, LOG, 1, "customer_id", "date", end="2024-01-10"),
     InvalidValueError, "end", None, "before the customer's last purchase"),
    ("plot: value matrix of another type", lambda: cp.plot_value_matrix(MATRIX.cells, [1.0], [1.0]),
     InvalidTypeError, "matrix", None, "expected a ValueMatrixResult (from cvm.value_matrix)"),
    ("plot: value matrix values of another length", lambda: cp.plot_value_matrix(MATRIX, [1.0, 2.0], [1.0] * 4),
     InvalidValueError, "current", None, "2 values for 4 customers"),
    ("plot: value matrix unknown scale", lambda: cp.plot_value_matrix(MATRIX, [1.0] * 4, [1.0] * 4, scale="log"),
     InvalidValueError, "scale", None, "'linear' or 'symlog'"),
    ("plot: cash-flow frame without its attrs",
     lambda: cp.plot_cashflow_clv(pd.DataFrame({"present_value": [1.0], "cumulative": [1.0]})),
     InvalidValueError, "breakdown", None, "cvm.cashflow_breakdown"),
    ("plot: whale curve of a list", lambda: cp.plot_whale_curve([1.0, 2.0]),
     InvalidTypeError, "curve", None, "expected a WhaleCurve"),
    ("plot: ladder of text stages", lambda: cp.plot_loyalty_ladder(STAGES),
     InvalidValueError, "snapshots[0]", None, "a categorical `stage`"),
    ("plot: migration drawn as shares",
     lambda: cp.plot_stage_migration(cvm.stage_migration(cvm.loyalty_stages(SUMMARY), cvm.loyalty_stages(SUMMARY)),
                                     values="shares"),
     InvalidValueError, "values", None, "'counts' or 'rates'"),
    ("plot: gains of a dict", lambda: cp.plot_gains({"auc": 0.5}),
     InvalidTypeError, "report", None, "expected a ChurnReport"),
    ("plot: decisions without reasons", lambda: cp.plot_selection_decisions(pd.DataFrame({"decision": ["a"]})),
     MissingColumnError, "reasons", None, "no such column"),
]
