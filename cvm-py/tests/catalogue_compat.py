"""Bad inputs through cvm.compat.lifetimes (lifetimes' API): each is one of cvm's errors naming
the argument (and row), never lifetimes' bare ValueError, a silent truncation or a NaN.

Rows ``(name, call, exception class, field, index, message substring)``, run by
``test_catalogue.py``.
"""

from __future__ import annotations

import pandas as pd

import cvm.compat.lifetimes as lifetimes
from cvm import InvalidTypeError, InvalidValueError, MissingColumnError, UnknownNameError

LOG = pd.DataFrame({"id": [1, 1, 2], "date": ["2014-01-01", "2014-01-05", "2014-01-03"]})


def fitted():
    m = lifetimes.BetaGeoFitter()
    m.params_ = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    return m


CASES = [
    ("compat: recency > T", lambda: lifetimes.BetaGeoFitter().fit([1, 0], [5.0, 0.0], [4.0, 3.0]),
     InvalidValueError, "recency", 0, "T"),
    ("compat: non-integer frequency (lifetimes truncates it)",
     lambda: lifetimes.ParetoNBDFitter().fit([1.5, 0], [2.0, 0.0], [3.0, 4.0]), InvalidValueError, "frequency", 0),
    ("compat: negative spend of a repeat buyer",
     lambda: lifetimes.GammaGammaFitter().fit([1, 2], [10.0, -1.0]), InvalidValueError, "monetary_value", 1),
    ("compat: recency without repeat purchases (BG/BB)",
     lambda: lifetimes.BetaGeoBetaBinomFitter().fit([0, 1], [2, 1], [6, 6]), InvalidValueError, "recency", 0),
    ("compat: initial_params of the wrong length",
     lambda: lifetimes.BetaGeoFitter().fit([1, 0], [2.0, 0.0], [3.0, 4.0], initial_params=[0.1]),
     InvalidValueError, "initial_params", None, "expected 4 log-parameters"),
    ("compat: predicting before fitting", lambda: lifetimes.BetaGeoFitter().predict(1, 1, 2.0, 3.0),
     InvalidValueError, "model", None, "has not been fit yet"),
    ("compat: params_ missing a parameter", lambda: setattr(lifetimes.ParetoNBDFitter(), "params_", {"r": 1.0}),
     InvalidValueError, "params_", None, "missing ['alpha', 's', 'beta']"),
    ("compat: params_ not a mapping", lambda: setattr(lifetimes.BetaGeoFitter(), "params_", [1, 2, 3, 4]),
     InvalidTypeError, "params_", None, "expected a pandas Series or dict"),
    ("compat: unknown freq", lambda: lifetimes.utils.summary_data_from_transaction_data(LOG, "id", "date", freq="h"),
     UnknownNameError, "freq", None, "valid values are D, W, M, Y"),
    ("compat: missing id column", lambda: lifetimes.utils.calibration_and_holdout_data(LOG, "cust", "date", "2014-01-02"),
     MissingColumnError, "cust", None, "the column given as customer_id_col"),
    ("compat: CLV step unknown", lambda: lifetimes.utils.customer_lifetime_value(
        fitted(), pd.Series([1.0]), [2.0], [3.0], [10.0], freq="Q"), UnknownNameError, "freq", None, "W, M, D, H"),
    ("compat: CLV discount rate", lambda: lifetimes.utils.customer_lifetime_value(
        fitted(), pd.Series([1.0]), [2.0], [3.0], [10.0], discount_rate=-1.0), InvalidValueError, "discount_rate", None),
    ("compat: tracking with a spend model", lambda: lifetimes.utils.expected_cumulative_transactions(
        lifetimes.GammaGammaFitter(), LOG, "date", "id", 3), InvalidTypeError, "model", None, "BetaGeoFitter"),
    ("compat: unknown data set", lambda: lifetimes.datasets.load_dataset("CDNOW_master.txt"),
     InvalidValueError, "filename", None, "example_transactions.csv"),
    ("compat: fewer ages than customers", lambda: lifetimes.generate_data.beta_geometric_nbd_model(
        [10.0], 0.2, 4.0, 0.8, 2.4, size=2), InvalidValueError, "T", None, "1 ages for size=2"),
    ("compat: no customers to simulate", lambda: lifetimes.generate_data.pareto_nbd_model(
        10.0, 0.5, 10.0, 0.6, 11.0, size=0), InvalidValueError, "size", None),
    ("compat: calibration plot by recency", lambda: lifetimes.plotting.plot_calibration_purchases_vs_holdout_purchases(
        fitted(), pd.DataFrame(), kind="recency_cal"), InvalidValueError, "kind", None, "frequency_cal"),
    ("compat: plot of something else", lambda: lifetimes.plotting.plot_period_transactions(object()),
     InvalidValueError, "model", None, "expected a fitted cvm.compat.lifetimes fitter"),
]
