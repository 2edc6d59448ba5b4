"""lifetimes' simulators: synthetic customer summaries (and a transaction log) drawn from a model
with known parameters, by cvm's seeded simulators (:meth:`cvm.BetaGeo.simulate`,
:meth:`cvm.BetaGeoBetaBinom.simulate`).

The seed is drawn from numpy's global generator, so ``numpy.random.seed(...)`` makes a run
reproducible as it does with lifetimes. The latent draws lifetimes adds as columns (``lambda``,
``p``/``mu``/``theta``, ``alive``) are not returned: cvm's simulators keep them internal.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import _convert, _cvm
from ...exceptions import InvalidValueError

__all__ = [
    "beta_geometric_nbd_model",
    "beta_geometric_nbd_model_transactional_data",
    "pareto_nbd_model",
    "modified_beta_geometric_nbd_model",
    "beta_geometric_beta_binom_model",
]

_MAX_CUSTOMERS = 10_000_000


def _ages(T, size, field: str = "T") -> np.ndarray:
    """One age (``T``, or number of opportunities ``N``) per simulated customer: ``T`` repeated
    ``size`` times when it is a number, else its first ``size`` values (as lifetimes reads it)."""
    n = _convert.positive_whole(size, "size", _MAX_CUSTOMERS)
    if np.ndim(T) == 0:
        return np.full(n, _convert.number(T, field))
    ages = _convert.floats(np.asarray(T).ravel(), field)
    if len(ages) < n:
        raise InvalidValueError(f"`{field}`: {len(ages)} ages for size={n} customers; give one age, or at least size "
                                "ages", field=field)
    return ages[:n]


def _simulate(kind: str, T, params: dict, size, transactions: bool = False) -> tuple[pd.DataFrame, list]:
    """The summary of ``size`` customers of ages ``T``, one cvm simulation per distinct age, and
    per customer the times of their purchases since the first (when ``transactions``)."""
    ages = _ages(T, size)
    values = [_convert.number(v, name) for name, v in params.items()]
    frame = pd.DataFrame({"frequency": np.zeros(len(ages)), "recency": np.zeros(len(ages)), "T": ages})
    times: list = [None] * len(ages)
    for age in np.unique(ages):
        rows = np.flatnonzero(ages == age)
        seed = int(np.random.randint(0, 2**31 - 1))
        d = _cvm.simulate_model(kind, values, len(rows), float(age), 0.0, 0.0, seed, transactions)
        frame.loc[rows, "frequency"] = d["frequency"]
        frame.loc[rows, "recency"] = d["recency"]
        if transactions:
            owner = np.asarray(d["transaction_customer"], dtype=np.int64)
            for j, row in enumerate(rows):
                times[row] = np.asarray(d["transaction_time"])[owner == j]
    frame.index = pd.RangeIndex(len(ages), name="customer_id")
    return frame, times


def beta_geometric_nbd_model(T, r, alpha, a, b, size=1):
    """``size`` BG/NBD customers observed for ``T`` (a number, or one age per customer):
    columns ``frequency``, ``recency``, ``T``, indexed by ``customer_id``.

    Examples
    --------
    >>> import numpy as np
    >>> from cvm.compat.lifetimes.generate_data import beta_geometric_nbd_model
    >>> np.random.seed(1)
    >>> df = beta_geometric_nbd_model(39.0, 0.243, 4.414, 0.793, 2.426, size=1000)
    >>> df.shape, bool((df["recency"] <= df["T"]).all())
    ((1000, 3), True)
    """
    return _simulate("bg_nbd", T, {"r": r, "alpha": alpha, "a": a, "b": b}, size)[0]


def modified_beta_geometric_nbd_model(T, r, alpha, a, b, size=1):
    """``size`` MBG/NBD customers, as :func:`beta_geometric_nbd_model`."""
    return _simulate("mbg_nbd", T, {"r": r, "alpha": alpha, "a": a, "b": b}, size)[0]


def pareto_nbd_model(T, r, alpha, s, beta, size=1):
    """``size`` Pareto/NBD customers, as :func:`beta_geometric_nbd_model`."""
    return _simulate("pareto_nbd", T, {"r": r, "alpha": alpha, "s": s, "beta": beta}, size)[0]


def beta_geometric_nbd_model_transactional_data(T, r, alpha, a, b, observation_period_end="2019-1-1", freq="D",
                                                size=1):
    """A BG/NBD transaction log: ``customer_id``, ``date``. Customer ``i`` makes their first
    purchase ``T[i]`` units of ``freq`` before ``observation_period_end`` and then buys as the
    model draws.

    Examples
    --------
    >>> import numpy as np
    >>> from cvm.compat.lifetimes.generate_data import beta_geometric_nbd_model_transactional_data
    >>> np.random.seed(3)
    >>> log = beta_geometric_nbd_model_transactional_data(30, 0.5, 5.0, 0.5, 2.0, size=5)
    >>> log.columns.tolist(), int(log["customer_id"].nunique())
    (['customer_id', 'date'], 5)
    """
    end = pd.Timestamp(observation_period_end)
    summary, times = _simulate("bg_nbd", T, {"r": r, "alpha": alpha, "a": a, "b": b}, size, transactions=True)
    ages = summary["T"].to_numpy()
    ids = np.concatenate([np.full(len(t), i) for i, t in enumerate(times)])
    offsets = np.concatenate([t - ages[i] for i, t in enumerate(times)])
    dates = end + pd.to_timedelta(offsets, unit=freq)
    return pd.DataFrame({"customer_id": ids, "date": dates})


def beta_geometric_beta_binom_model(N, alpha, beta, gamma, delta, size=1):
    """``size`` BG/BB customers (Fader, Hardie & Shang 2010) observed for ``N`` transaction
    opportunities (a whole number, or one per customer), by cvm's seeded BG/BB simulator
    (:meth:`cvm.BetaGeoBetaBinom.simulate`): columns ``frequency``, ``recency``, ``n_periods``,
    indexed by ``customer_id``. At each opportunity a customer first drops out with probability
    θ ~ Beta(gamma, delta), else buys with probability p ~ Beta(alpha, beta); ``recency`` is the
    opportunity of the last purchase (0 without one), as in lifetimes.

    Examples
    --------
    >>> import numpy as np
    >>> from cvm.compat.lifetimes.generate_data import beta_geometric_beta_binom_model
    >>> np.random.seed(2)
    >>> df = beta_geometric_beta_binom_model(6, 1.204, 0.750, 0.657, 2.783, size=1000)
    >>> df.columns.tolist(), bool((df["frequency"] <= df["recency"]).all())
    (['frequency', 'recency', 'n_periods'], True)
    """
    periods = _ages(N, size, "N")
    bad = np.flatnonzero((periods < 0) | (periods != np.floor(periods)))
    if len(bad):
        raise InvalidValueError(f"`N`: expected whole numbers of opportunities >= 0, got {periods[bad[0]]!r} at "
                                f"position {int(bad[0])}", field="N", index=int(bad[0]))
    params = [_convert.number(v, name) for name, v in
              (("alpha", alpha), ("beta", beta), ("gamma", gamma), ("delta", delta))]
    model = _cvm.BgBbModel.from_params(params)
    frequency, recency = np.zeros(len(periods)), np.zeros(len(periods))
    for value in np.unique(periods):
        rows = np.flatnonzero(periods == value)
        seed = int(np.random.randint(0, 2**31 - 1))
        frequency[rows], recency[rows] = model.simulate(len(rows), int(value), seed)
    frame = pd.DataFrame({"frequency": frequency, "recency": recency, "n_periods": periods})
    frame.index = pd.RangeIndex(len(periods), name="customer_id")
    return frame
