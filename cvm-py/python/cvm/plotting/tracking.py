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
from ..history import _DAYS, _log, _unit, expected_cumulative_transactions, probability_alive_history
from . import _style
from .checks import TRANSACTION_MODELS, unit_name

__all__ = ["plot_history_alive", "plot_cumulative_transactions", "plot_incremental_transactions",
           "cumulative_transactions"]

#: The table behind the tracking plots (:func:`cvm.expected_cumulative_transactions`).
cumulative_transactions = expected_cumulative_transactions

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
    path = probability_alive_history(model, transactions, customer_id, customer_id_col, datetime_col, end, freq,
                                     points)
    dates, alive = list(path["date"]), path["p_alive"].to_numpy()
    log = _log(transactions, customer_id_col, datetime_col)
    mine = log[log[customer_id_col] == customer_id]
    ax = _style.axes(ax)
    ax.plot(dates, alive, color=_style.MODEL, label="P(alive)")
    for i, day in enumerate(sorted(mine[datetime_col].unique())):
        ax.axvline(day, color=_style.ACTUAL, linestyle="--", linewidth=0.8, label="purchase" if i == 0 else None)
    ax.set_ylim(0.0, 1.05)
    ax.figure.autofmt_xdate()
    return _style.finish(ax, "date", "probability the customer is alive",
                         f"History of P(alive), customer {customer_id}", legend=True)
