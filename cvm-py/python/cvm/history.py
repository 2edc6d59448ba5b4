"""The lifetimes helpers a notebook user reaches for, as tables: the expected-purchases and
P(alive) matrices over frequency and recency, one customer's P(alive) path from the transaction
log, and the cohort's actual vs expected cumulative repeat purchases from the log.

Every number is the fitted model's (:meth:`~cvm.BetaGeo.expected_purchases`,
:meth:`~cvm.BetaGeo.probability_alive`, :meth:`~cvm.BetaGeo.expected_cumulative_transactions`)
or a customer summary of the log (:func:`cvm.summary_from_transactions`, so repeat purchases are
counted exactly as the model was fitted on them). :mod:`cvm.plotting` draws these tables.
"""

from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np
import pandas as pd

from . import _convert, _output, _progress
from .exceptions import InvalidValueError
from .summary import _timestamps, summary_from_transactions

__all__ = [
    "frequency_recency_matrix",
    "probability_alive_matrix",
    "probability_alive_history",
    "expected_cumulative_transactions",
]

_MAX_CELLS = 1_000_000
_UNITS = {"D": "days", "W": "weeks", "M": "months", "Y": "years", None: "time units"}


def _models() -> tuple[type, ...]:
    from .models import BetaGeo, ModifiedBetaGeo, ParetoNBD

    return (BetaGeo, ModifiedBetaGeo, ParetoNBD)


def _unit_name(model: Any) -> str:
    return _UNITS.get(model.time_unit_, "time units")


#: Days in one time unit, as :func:`cvm.summary_from_transactions` measures ages.
_DAYS = {"D": 1.0, "W": 7.0, "M": 365.25 / 12.0, "Y": 365.25}
_MAX_POINTS = 10_000


def _unit(model: Any) -> str:
    unit = model.time_unit_
    if unit is None:
        raise InvalidValueError(
            "`model`: its time unit is unknown; fit it on a summary that records one, or use "
            "model.with_time_unit(...)", field="model")
    return unit


def _log(transactions: Any, customer_id_col: str, datetime_col: str) -> pd.DataFrame:
    df = _convert.frame(transactions, "transactions")
    for name, argument in ((customer_id_col, "customer_id_col"), (datetime_col, "datetime_col")):
        if name not in df.columns:
            err = _convert.missing_column(name, df.columns, "the transaction log")
            err.args = (f"{err.args[0]} (the column given as {argument})",)
            raise err
    # the summary's own reading of timestamps (ISO 8601 text, datetime64 at any resolution)
    ts, unit = _timestamps(df[datetime_col].reset_index(drop=True), datetime_col, None, None)
    return df.assign(**{datetime_col: ts.view(f"datetime64[{unit}]").astype("datetime64[ns]")})


def _summaries_at(log: pd.DataFrame, customer_id_col: str, datetime_col: str, ends: list, unit: str,
                  freq: str, progress: bool = False) -> list[pd.DataFrame]:
    """The summary of the log cut at each date in ``ends`` (customers who have bought by then)."""
    out = []
    for end in _progress.iterate(progress, ends, desc="expected_cumulative_transactions", unit="cut"):
        upto = log[log[datetime_col] <= end]
        if len(upto) == 0:
            out.append(pd.DataFrame({"frequency": [], "recency": [], "T": []}))
            continue
        out.append(summary_from_transactions(upto, customer_id_col, datetime_col, observation_period_end=end,
                                             freq=freq, time_unit=unit))
    return out


@_output.tables
def expected_cumulative_transactions(model: Any, transactions: Any, customer_id_col: str, datetime_col: str,
                            t: Optional[int] = None, freq: str = "D",
                            observation_period_end: Any = None, *, progress: bool = False, output: str = "pandas") -> pd.DataFrame:
    """Actual and expected cumulative repeat purchases of the cohort in the log, per time unit.

    The time axis starts at the first customer's first purchase period and counts the model's
    time unit; customer ``i`` is born at ``T_max − T_i`` (their ``T`` in the summary of the whole
    log). ``actual`` at time ``k`` is the sum of the customers' ``frequency`` in the summary of
    the log cut ``k`` units after the start; ``model`` is
    :meth:`~cvm.BetaGeo.expected_cumulative_transactions` of the births at ``k``.

    Parameters
    ----------
    model : BetaGeo, ModifiedBetaGeo or ParetoNBD
        With a time unit (``time_unit_``).
    transactions : pandas.DataFrame or polars.DataFrame
        The log, one row per transaction.
    customer_id_col, datetime_col : str
        As :func:`cvm.summary_from_transactions`.
    t : int, optional
        Number of time units to track (default and at most: the whole units up to the
        observation end, and 10,000). Each unit costs one summary of the log cut there.
    freq : {"D", "W", "M", "Y"}
        The purchase period of the summaries (as the model's summary was built).
    observation_period_end : date-like, optional
        Default: the last transaction.
    progress : bool
        Show a progress bar (tqdm, the ``progress`` extra) over the ``t`` cuts of the log.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``time`` (1, 2, …, model unit): ``date`` (end of the unit), ``actual``,
        ``model``; ``attrs["origin"]`` is the date at time 0.
    """
    _convert.fitted_model(model, _models())
    unit = _unit(model)
    log = _log(transactions, customer_id_col, datetime_col)
    end = log[datetime_col].max() if observation_period_end is None else pd.Timestamp(observation_period_end)
    progress = _progress.flag(progress)
    whole = summary_from_transactions(log, customer_id_col, datetime_col, observation_period_end=end,
                                      freq=freq, time_unit=unit)
    ages = whole["T"].to_numpy(dtype=np.float64)
    span = float(ages.max())
    # ages are whole seconds at most; the round trip through the unit must not leave a fraction
    origin = (end - pd.Timedelta(days=span * _DAYS[unit])).round("s")
    k = int(np.floor(span)) if t is None else _convert.positive_whole(t, "t", _MAX_POINTS)
    if not 1 <= k <= min(span, _MAX_POINTS):
        raise InvalidValueError(
            f"`t`: the log spans {span:.3g} {_unit_name(model)} (nothing is observed after it); expected a "
            f"whole number between 1 and {min(int(np.floor(span)), _MAX_POINTS):,}", field="t")
    times = np.arange(1, k + 1, dtype=np.float64)
    dates = [origin + pd.Timedelta(days=x * _DAYS[unit]) for x in times]
    actual = [float(s["frequency"].sum()) for s in _summaries_at(log, customer_id_col, datetime_col, dates,
                                                                 unit, freq, progress)]
    expected = model.expected_cumulative_transactions(span - ages, times)
    out = pd.DataFrame({"date": dates, "actual": actual, "model": np.asarray(expected, dtype=np.float64)},
                       index=pd.Index(times, name="time"))
    out.attrs["origin"] = origin
    return out


def _grid_limits(model: Any, summary: Any, max_frequency: Any, max_recency: Any) -> tuple[int, float]:
    """``max_frequency`` and ``max_recency``: given, else the summary's largest frequency and T."""
    if (max_frequency is None or max_recency is None) and summary is None:
        raise InvalidValueError("`summary`: give a customer summary, or both max_frequency and max_recency",
                                field="summary")
    if summary is not None:
        df = _convert.frame(summary, "summary")
        if max_frequency is None:
            max_frequency = _convert.floats(_convert.get(df, "frequency"), "frequency").max()
        if max_recency is None:
            max_recency = _convert.floats(_convert.get(df, "T"), "T").max()
    f = _convert.whole(max_frequency, "max_frequency")
    r = _convert.number(max_recency, "max_recency")
    if not math.isfinite(r) or r < 1:
        raise InvalidValueError(f"`max_recency`: expected a finite number >= 1, got {max_recency!r}",
                                field="max_recency")
    if (f + 1) * (math.floor(r) + 1) > _MAX_CELLS:
        raise InvalidValueError(f"`max_frequency`, `max_recency`: the grid has more than {_MAX_CELLS:,} cells",
                                field="max_frequency")
    return f, r


def _history_grid(model: Any, summary: Any, max_frequency: Any, max_recency: Any, value: Any) -> pd.DataFrame:
    """``value(frequency, recency, T)`` of a customer of age ``T = max_recency`` for every
    frequency 0..max_frequency (rows) and whole recency 0..max_recency (columns), as lifetimes
    draws its matrices. Histories no summary can hold (repeat purchases at recency 0, or recency
    without repeat purchases) are NaN."""
    f_max, age = _grid_limits(model, summary, max_frequency, max_recency)
    freq = np.arange(f_max + 1, dtype=np.float64)
    rec = np.arange(math.floor(age) + 1, dtype=np.float64)
    f, r = np.meshgrid(freq, rec, indexing="ij")
    possible = (f > 0) == (r > 0)
    out = np.full(f.shape, np.nan)
    out[possible] = value(f[possible], r[possible], np.full(int(possible.sum()), age))
    grid = pd.DataFrame(out, index=pd.Index(freq.astype(np.int64), name="frequency"),
                        columns=pd.Index(rec.astype(np.int64), name="recency"))
    grid.attrs["T"] = age
    return grid


def frequency_recency_matrix(model: Any, t: float = 1, max_frequency: Optional[int] = None,
                             max_recency: Optional[float] = None, summary: Any = None, *,
                             progress: bool = False) -> pd.DataFrame:
    """Expected purchases in the next ``t`` of a customer of age ``T = max_recency``, by frequency
    (rows 0..``max_frequency``) and whole recency (columns 0..``max_recency``): lifetimes'
    ``conditional_expected_number_of_purchases_up_to_time`` over its matrix grid.

    Histories no customer summary can hold (repeat purchases at recency 0, or a recency without
    repeat purchases) are NaN rather than computed. ``max_frequency`` and ``max_recency`` default
    to the largest ``frequency`` and ``T`` of ``summary``; the grid has at most 1,000,000 cells
    (about 50 s at 1,000 × 1,000: ``progress=True`` shows a bar over the cells, computed in
    chunks, the same values). ``attrs["T"]`` records the age.

    Examples
    --------
    >>> import cvm
    >>> bg = cvm.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> m = cvm.frequency_recency_matrix(bg, t=10, max_frequency=2, max_recency=3)
    >>> m.shape, m.index.name, m.columns.name
    ((3, 4), 'frequency', 'recency')
    >>> round(float(m.loc[2, 3]), 4) == round(bg.expected_purchases(10, 2, 3, 3), 4)
    True
    """
    _convert.fitted_model(model, _models())
    horizon = _convert.number(t, "t")
    return _history_grid(model, summary, max_frequency, max_recency,
                         lambda f, r, T: model.expected_purchases(horizon, f, r, T, progress=progress))


def probability_alive_matrix(model: Any, max_frequency: Optional[int] = None, max_recency: Optional[float] = None,
                             summary: Any = None, *, progress: bool = False) -> pd.DataFrame:
    """P(alive) of a customer of age ``T = max_recency`` on the grid of
    :func:`frequency_recency_matrix`: lifetimes' ``conditional_probability_alive_matrix``
    (``progress``: as there).

    Examples
    --------
    >>> import cvm
    >>> bg = cvm.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> m = cvm.probability_alive_matrix(bg, max_frequency=2, max_recency=3)
    >>> float(m.loc[0, 0]), bool(m.isna().loc[0, 1])
    (1.0, True)
    """
    _convert.fitted_model(model, _models())
    return _history_grid(model, summary, max_frequency, max_recency,
                         lambda f, r, T: model.probability_alive(f, r, T, progress=progress))


@_output.tables
def probability_alive_history(model: Any, transactions: Any, customer_id: Any, customer_id_col: str,
                              datetime_col: str, end: Any = None, freq: str = "D", points: int = 200, *, output: str = "pandas") -> pd.DataFrame:
    """One customer's P(alive) over time, from the transaction log (lifetimes'
    ``calculate_alive_path``): at ``points`` dates evenly spaced from the customer's first purchase
    to ``end`` (default: the last transaction of the log), the summary of their transactions up to
    that date (in the model's time unit) and the model's P(alive) for it.

    Returns
    -------
    pandas.DataFrame
        One row per date: ``date``, ``frequency``, ``recency``, ``T``, ``p_alive``.

    Raises
    ------
    InvalidValueError
        No transaction of ``customer_id``; ``end`` before their last purchase; ``points`` outside
        2..10,000; a model without a time unit.
    """
    _convert.fitted_model(model, _models())
    unit = _unit(model)
    log = _log(transactions, customer_id_col, datetime_col)
    mine = log[log[customer_id_col] == customer_id]
    if len(mine) == 0:
        raise InvalidValueError(f"`customer_id`: no transaction of customer {customer_id!r} in `{customer_id_col}`",
                                field="customer_id")
    last = log[datetime_col].max() if end is None else pd.Timestamp(end)
    first = mine[datetime_col].min()
    if last < mine[datetime_col].max():
        raise InvalidValueError(f"`end`: {last} is before the customer's last purchase", field="end")
    k = max(2, _convert.positive_whole(points, "points", _MAX_POINTS))
    dates = [first + (last - first) * (i / (k - 1)) for i in range(k)]
    summaries = _summaries_at(mine, customer_id_col, datetime_col, dates, unit, freq)
    f, r, age = (np.array([float(s[c].iloc[0]) for s in summaries]) for c in ("frequency", "recency", "T"))
    alive = np.asarray(model.probability_alive(f, r, age), dtype=np.float64)
    return pd.DataFrame({"date": dates, "frequency": f, "recency": r, "T": age, "p_alive": alive})
