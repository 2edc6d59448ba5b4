"""The bad-input catalogue of the covariate models: ``CASES`` rows ``(name, callable, exception
class, field, index, message substring)``. The Rust (``cvm-core/tests/covariates*.rs``) and C
(``tests/c/catalogue_covariates.inc``) tables hold the same classes (``docs/errors.md``)."""

import numpy as np
import pandas as pd

import cvm

_S = cvm.BetaGeo.from_params(r=0.25, alpha=4.0, a=0.8, b=2.5).simulate(400, calibration_end=52.0, seed=3)
_Z = pd.DataFrame({"card": (np.arange(len(_S)) % 3 == 0).astype(float),
                   "channel": np.array(["web", "store", "email", "web"])[np.arange(len(_S)) % 4]},
                  index=_S.index)


def _fit(z, **kw):
    return lambda: cvm.ParetoNBD().fit(_S, transaction_covariates=z, **kw)


def _with(col, row, value):
    z = _Z.copy()
    z[col] = z[col].astype(object)
    z.iloc[row, z.columns.get_loc(col)] = value
    return z


_M = cvm.ParetoNBD().fit(_S, transaction_covariates=_Z, lifetime_covariates=_Z[["card"]])

CASES = [
    ("a constant column", _fit(_Z.assign(flat=1.0)),
     cvm.NotIdentifiedError, None, None, "covariate column `flat` is constant"),
    ("a duplicate column", _fit(_Z.assign(card2=_Z["card"])),
     cvm.NotIdentifiedError, None, None, "`card2`"),
    ("a non-finite covariate", _fit(_Z.assign(card=_Z["card"].where(np.arange(len(_Z)) != 3, np.nan))),
     cvm.InvalidValueError, "card", 3, "must be finite"),
    ("a missing categorical value", _fit(_with("channel", 1, None)),
     cvm.InvalidValueError, "channel", 1, "missing value"),
    ("a customer without covariates", _fit(_Z.iloc[1:]),
     cvm.InvalidValueError, "transaction_covariates", 0, "customer id 0 (row 0 of the summary) has no row"),
    ("an unseen level at prediction",
     lambda: _M.probability_alive(_S["frequency"], _S["recency"], _S["T"],
                                  transaction_covariates=_with("channel", 2, "fax"), lifetime_covariates=_Z),
     cvm.InvalidValueError, "channel", 2, "`fax`"),
    ("a process's covariates missing at prediction",
     lambda: _M.probability_alive(_S["frequency"], _S["recency"], _S["T"], transaction_covariates=_Z),
     cvm.InvalidValueError, "lifetime_covariates", None, "missing"),
    ("covariates given to a plain model",
     lambda: cvm.ParetoNBD().fit(_S).probability_alive(_S["frequency"], _S["recency"], _S["T"],
                                                       transaction_covariates=_Z),
     cvm.InvalidValueError, "transaction_covariates", None),
    ("weights with covariates", _fit(_Z, weights=np.ones(len(_S))),
     cvm.InvalidValueError, "weights", None),
]
