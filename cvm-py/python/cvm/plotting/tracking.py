"""Tracking plots from a transaction log: one customer's P(alive) path, and the cohort's cumulative
and incremental repeat purchases, actual vs model, with the calibration end marked (lifetimes).

The actual counts are customer summaries of the log cut at each date
(:func:`cvm.summary_from_transactions`, so repeat purchases are counted exactly as the model was
fitted on them); the model's are :meth:`cvm.BetaGeo.expected_cumulative_transactions` and
:meth:`cvm.BetaGeo.probability_alive`.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np
import pandas as pd

from .. import _convert
from ..exceptions import InvalidValueError
from ..summary import _timestamps, summary_from_transactions
from . import _style
from .checks import TRANSACTION_MODELS, unit_name

__all__ = ["plot_history_alive", "plot_cumulative_transactions", "plot_incremental_transactions",
           "cumulative_transactions"]

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
                  freq: str) -> list[pd.DataFrame]:
    """The summary of the log cut at each date in ``ends`` (customers who have bought by then)."""
    out = []
    for end in ends:
        upto = log[log[datetime_col] <= end]
        if len(upto) == 0:
            out.append(pd.DataFrame({"frequency": [], "recency": [], "T": []}))
            continue
        out.append(summary_from_transactions(upto, customer_id_col, datetime_col, observation_period_end=end,
                                             freq=freq, time_unit=unit))
    return out


def cumulative_transactions(model: Any, transactions: Any, customer_id_col: str, datetime_col: str,
                            t: Optional[int] = None, freq: str = "D",
                            observation_period_end: Any = None) -> pd.DataFrame:
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

    Returns
    -------
    pandas.DataFrame
        Indexed by ``time`` (1, 2, …, model unit): ``date`` (end of the unit), ``actual``,
        ``model``; ``attrs["origin"]`` is the date at time 0.
    """
    _style.model(model, TRANSACTION_MODELS)
    unit = _unit(model)
    log = _log(transactions, customer_id_col, datetime_col)
    end = log[datetime_col].max() if observation_period_end is None else pd.Timestamp(observation_period_end)
    whole = summary_from_transactions(log, customer_id_col, datetime_col, observation_period_end=end,
                                      freq=freq, time_unit=unit)
    ages = whole["T"].to_numpy(dtype=np.float64)
    span = float(ages.max())
    # ages are whole seconds at most; the round trip through the unit must not leave a fraction
    origin = (end - pd.Timedelta(days=span * _DAYS[unit])).round("s")
    k = int(np.floor(span)) if t is None else _style.positive_whole(t, "t", _MAX_POINTS)
    if not 1 <= k <= min(span, _MAX_POINTS):
        raise InvalidValueError(
            f"`t`: the log spans {span:.3g} {unit_name(model)} (nothing is observed after it); expected a "
            f"whole number between 1 and {min(int(np.floor(span)), _MAX_POINTS):,}", field="t")
    times = np.arange(1, k + 1, dtype=np.float64)
    dates = [origin + pd.Timedelta(days=x * _DAYS[unit]) for x in times]
    actual = [float(s["frequency"].sum()) for s in _summaries_at(log, customer_id_col, datetime_col, dates,
                                                                 unit, freq)]
    expected = model.expected_cumulative_transactions(span - ages, times)
    out = pd.DataFrame({"date": dates, "actual": actual, "model": np.asarray(expected, dtype=np.float64)},
                       index=pd.Index(times, name="time"))
    out.attrs["origin"] = origin
    return out


def _tracking(ax: Any, model: Any, x: np.ndarray, actual: np.ndarray, expected: np.ndarray,
              calibration: Optional[float], ylabel: str, title: str) -> Any:
    ax = _style.axes(ax)
    ax.plot(x, actual, color=_style.ACTUAL, label="actual")
    ax.plot(x, expected, "--", color=_style.MODEL, label=type(model).__name__)
    if calibration is not None:
        ax.axvline(calibration, color=_style.GUIDE, linestyle=":", label="calibration end")
    unit = unit_name(model)
    return _style.finish(ax, f"time since the first customer's first purchase ({unit})", ylabel, title, legend=True)


def _calibration_time(table: pd.DataFrame, calibration_period_end: Any, model: Any) -> Optional[float]:
    if calibration_period_end is None:
        return None
    days = (pd.Timestamp(calibration_period_end) - table.attrs["origin"]) / pd.Timedelta(days=1)
    return days / _DAYS[_unit(model)]


def plot_cumulative_transactions(model: Any, transactions: Any, customer_id_col: str, datetime_col: str,
                                 calibration_period_end: Any = None, t: Optional[int] = None, freq: str = "D",
                                 observation_period_end: Any = None, ax: Any = None) -> Any:
    """Cumulative repeat purchases of the cohort: actual vs model, the calibration end marked.

    lifetimes' ``plot_cumulative_transactions``; the numbers are
    :func:`cumulative_transactions` (see there for the time axis and the arguments).

    Returns
    -------
    matplotlib.axes.Axes
        Lines 0 (actual) and 1 (model) over times 1, 2, …; a vertical line at the calibration end.
    """
    table = cumulative_transactions(model, transactions, customer_id_col, datetime_col, t, freq,
                                    observation_period_end)
    return _tracking(ax, model, table.index.to_numpy(), table["actual"].to_numpy(), table["model"].to_numpy(),
                     _calibration_time(table, calibration_period_end, model), "cumulative repeat purchases",
                     "Tracking cumulative repeat purchases")


def plot_incremental_transactions(model: Any, transactions: Any, customer_id_col: str, datetime_col: str,
                                  calibration_period_end: Any = None, t: Optional[int] = None, freq: str = "D",
                                  observation_period_end: Any = None, ax: Any = None) -> Any:
    """Repeat purchases in each time unit: actual vs model, the calibration end marked.

    lifetimes' ``plot_incremental_transactions``: the differences of
    :func:`cumulative_transactions` from one time unit to the next (the first from 0).

    Returns
    -------
    matplotlib.axes.Axes
        Lines 0 (actual) and 1 (model).
    """
    table = cumulative_transactions(model, transactions, customer_id_col, datetime_col, t, freq,
                                    observation_period_end)
    step = lambda c: np.diff(table[c].to_numpy(), prepend=0.0)  # noqa: E731
    return _tracking(ax, model, table.index.to_numpy(), step("actual"), step("model"),
                     _calibration_time(table, calibration_period_end, model),
                     f"repeat purchases per {unit_name(model)[:-1]}", "Tracking repeat purchases per period")


def plot_history_alive(model: Any, transactions: Any, customer_id: Any, customer_id_col: str, datetime_col: str,
                       end: Any = None, freq: str = "D", points: int = 200, ax: Any = None) -> Any:
    """One customer's probability of being alive over time, with their purchases marked.

    lifetimes' ``plot_history_alive``: at ``points`` dates evenly spaced from the customer's
    first purchase to ``end``, the summary of their transactions up to that date
    (:func:`cvm.summary_from_transactions`, in the model's time unit) gives ``frequency``,
    ``recency``, ``T``, and the model gives P(alive) (:meth:`cvm.BetaGeo.probability_alive`).

    Parameters
    ----------
    model : BetaGeo, ModifiedBetaGeo or ParetoNBD
        With a time unit.
    transactions : pandas.DataFrame or polars.DataFrame
        The log (other customers' rows are ignored).
    customer_id : the customer's id in ``customer_id_col``.
    customer_id_col, datetime_col : str
    end : date-like, optional
        Default: the last transaction of the log.
    freq : {"D", "W", "M", "Y"}
        The purchase period (as the model's summary was built).
    points : int
        2 to 10,000.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Line 0 holds the path (dates, P(alive)); one vertical line per purchase date.
    """
    _style.model(model, TRANSACTION_MODELS)
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
    k = max(2, _style.positive_whole(points, "points", _MAX_POINTS))
    dates = [first + (last - first) * (i / (k - 1)) for i in range(k)]
    summaries = _summaries_at(mine, customer_id_col, datetime_col, dates, unit, freq)
    f, r, age = (np.array([float(s[c].iloc[0]) for s in summaries]) for c in ("frequency", "recency", "T"))
    alive = model.probability_alive(f, r, age)
    ax = _style.axes(ax)
    ax.plot(dates, alive, color=_style.MODEL, label="P(alive)")
    for i, day in enumerate(sorted(mine[datetime_col].unique())):
        ax.axvline(day, color=_style.ACTUAL, linestyle="--", linewidth=0.8, label="purchase" if i == 0 else None)
    ax.set_ylim(0.0, 1.05)
    ax.figure.autofmt_xdate()
    return _style.finish(ax, "date", "probability the customer is alive",
                         f"History of P(alive), customer {customer_id}", legend=True)
