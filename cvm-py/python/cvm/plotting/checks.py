"""Model checks of the transaction models (BG/NBD, MBG/NBD, Pareto/NBD), as lifetimes draws them.

Every number comes from the fitted model's own methods (``repeat_histogram``,
``calibration_holdout_table``, ``expected_purchases``, ``probability_alive``,
``expected_purchases_new_customer``); these functions only draw them.
"""

from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np
import pandas as pd

from .. import _convert, history
from ..exceptions import InvalidValueError
from ..models import BetaGeo, ModifiedBetaGeo, ParetoNBD
from . import _style

__all__ = [
    "plot_period_transactions",
    "plot_pmf",
    "plot_calibration_purchases_vs_holdout_purchases",
    "plot_frequency_recency_matrix",
    "plot_probability_alive_matrix",
    "plot_expected_repeat_purchases",
]

TRANSACTION_MODELS = (BetaGeo, ModifiedBetaGeo, ParetoNBD)
_MAX_BINS = 1000
UNITS = {"D": "days", "W": "weeks", "M": "months", "Y": "years", None: "time units"}


def unit_name(model: Any) -> str:
    """The plural name of the model's time unit ("weeks"), for axis labels."""
    return UNITS.get(model.time_unit_, "time units")


def plot_period_transactions(model: Any, summary: Any, max_frequency: int = 7, ax: Any = None) -> Any:
    """Customers by number of repeat purchases in the calibration period: actual vs model.

    lifetimes' ``plot_period_transactions``: side-by-side bars of how many customers made 0, 1,
    … repeat purchases, as observed and as the model expects given each customer's age ``T``
    (``Σ_i P(X(T_i) = x)``). The last bar collects ``max_frequency`` and more. The numbers are
    :meth:`cvm.BetaGeo.repeat_histogram`.

    Parameters
    ----------
    model : BetaGeo, ModifiedBetaGeo or ParetoNBD
        A fitted transaction model.
    summary : pandas.DataFrame or polars.DataFrame
        Customer summary with ``frequency`` and ``T`` (in the model's time unit).
    max_frequency : int
        The last, pooled bar (1 to 1000).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import cvm, cvm.plotting
    >>> s = cvm.datasets.load_cdnow_summary()
    >>> ax = cvm.plotting.plot_period_transactions(cvm.BetaGeo().fit(s), s)
    >>> [int(b.get_height()) for b in ax.containers[0]][:3]  # actual customers with 0, 1, 2
    [1411, 439, 214]
    """
    _style.model(model, TRANSACTION_MODELS)
    n = _style.positive_whole(max_frequency, "max_frequency", _MAX_BINS)
    table, _, _ = model.repeat_histogram(summary, n)
    ax = _style.axes(ax)
    x = np.arange(len(table))
    ax.bar(x - 0.2, table["actual"].to_numpy(), width=0.4, color=_style.ACTUAL, label="actual")
    ax.bar(x + 0.2, table["expected"].to_numpy(), width=0.4, color=_style.MODEL, label=type(model).__name__)
    ax.set_xticks(x)
    ax.set_xticklabels([str(c) for c in table.index[:-1]] + [f"{table.index[-1]}+"])
    return _style.finish(ax, "repeat purchases in the calibration period", "customers",
                         "Frequency of repeat transactions", legend=True)


def plot_pmf(model: Any, summary: Any, max_count: int = 7, ax: Any = None) -> Any:
    """Share of customers by number of repeat purchases: actual vs the model's probability mass.

    CLVTools' ``plot(..., which = "pmf")``: the model's expected share of customers with ``x``
    repeat purchases in their calibration period, ``(1/n) Σ_i P(X(T_i) = x)``, as a line with
    markers next to the observed share; the last point collects ``max_count`` and more. The
    counts are those of :func:`plot_period_transactions` divided by the number of customers.

    Parameters
    ----------
    model : BetaGeo, ModifiedBetaGeo or ParetoNBD
    summary : pandas.DataFrame or polars.DataFrame
        ``frequency`` and ``T`` per customer.
    max_count : int
        The last, pooled count (1 to 1000).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Lines 0 (actual) and 1 (model) hold the shares.
    """
    _style.model(model, TRANSACTION_MODELS)
    n = _style.positive_whole(max_count, "max_count", _MAX_BINS)
    table, _, _ = model.repeat_histogram(summary, n)
    total = float(table["actual"].sum())
    ax = _style.axes(ax)
    x = np.arange(len(table))
    ax.plot(x, table["actual"].to_numpy() / total, "o-", color=_style.ACTUAL, label="actual")
    ax.plot(x, table["expected"].to_numpy() / total, "s--", color=_style.MODEL, label=type(model).__name__)
    ax.set_xticks(x)
    ax.set_xticklabels([str(c) for c in table.index[:-1]] + [f"{table.index[-1]}+"])
    return _style.finish(ax, "repeat purchases in the calibration period", "share of customers",
                         "Probability mass of repeat purchases", legend=True)


def plot_calibration_purchases_vs_holdout_purchases(model: Any, summary: Any, n: int = 7, ax: Any = None) -> Any:
    """Mean holdout purchases by calibration frequency: actual vs model.

    lifetimes' ``plot_calibration_purchases_vs_holdout_purchases``: customers are grouped by their
    number of repeat purchases in calibration (the last group collects ``n`` and more); for each
    group, the mean number of purchases in the holdout as observed and as the model predicts
    (:meth:`cvm.BetaGeo.calibration_holdout_table`).

    Parameters
    ----------
    model : BetaGeo, ModifiedBetaGeo or ParetoNBD
    summary : pandas.DataFrame or polars.DataFrame
        A calibration/holdout summary (``frequency``, ``recency``, ``T``, ``frequency_holdout``,
        ``duration_holdout``), as :func:`cvm.summary_from_transactions` returns with a
        ``calibration_period_end``.
    n : int
        The last, pooled group (1 to 1000).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Lines 0 (actual) and 1 (model).
    """
    _style.model(model, TRANSACTION_MODELS)
    table = model.calibration_holdout_table(summary, _style.positive_whole(n, "n", _MAX_BINS))
    ax = _style.axes(ax)
    x = table.index.to_numpy()
    ax.plot(x, table["actual"].to_numpy(), "o-", color=_style.ACTUAL, label="actual")
    ax.plot(x, table["predicted"].to_numpy(), "s--", color=_style.MODEL, label=type(model).__name__)
    ax.set_xticks(x)
    ax.set_xticklabels([str(c) for c in x[:-1]] + [f"{x[-1]}+"])
    duration = _convert.get(_convert.frame(summary, "summary"), "duration_holdout").iloc[0]
    return _style.finish(ax, "purchases in the calibration period",
                         f"mean purchases in the holdout ({duration:g} {unit_name(model)})",
                         "Actual vs predicted purchases in the holdout", legend=True)


def _matrix(ax: Any, grid: pd.DataFrame, model: Any, colorbar: str, title: str) -> Any:
    ax = _style.axes(ax)
    _style.heatmap(ax, grid, None, colorbar)
    ax.invert_yaxis()
    step = max(1, len(grid.columns) // 10)
    ax.set_xticks(range(0, len(grid.columns), step))
    ax.set_xticklabels([str(c) for c in grid.columns[::step]], rotation=0, ha="center")
    step = max(1, len(grid.index) // 10)
    ax.set_yticks(range(0, len(grid.index), step))
    ax.set_yticklabels([str(c) for c in grid.index[::step]])
    unit = unit_name(model)
    ax = _style.finish(ax, f"recency: age at the last purchase ({unit})", "frequency: repeat purchases", title)
    ax.grid(False)
    return ax


def plot_frequency_recency_matrix(model: Any, t: float = 1, max_frequency: Optional[int] = None,
                                  max_recency: Optional[float] = None, summary: Any = None, ax: Any = None) -> Any:
    """Expected purchases in the next ``t`` by frequency and recency (a heat map).

    lifetimes' ``plot_frequency_recency_matrix``: cell (frequency ``x``, recency ``t_x``) is
    :meth:`cvm.BetaGeo.expected_purchases` of a customer of age ``T = max_recency`` with that
    history. Frequency runs 0..``max_frequency`` (rows, bottom up) and recency over the whole
    numbers 0..``max_recency`` (columns). Cells no customer summary can hold — repeat purchases at
    recency 0, or a recency without repeat purchases — are left blank (NaN) instead of being
    computed as lifetimes does.

    Parameters
    ----------
    model : BetaGeo, ModifiedBetaGeo or ParetoNBD
    t : float
        The horizon, in the model's time unit.
    max_frequency, max_recency : optional
        Default: the largest ``frequency`` and ``T`` of ``summary``.
    summary : pandas.DataFrame or polars.DataFrame, optional
        Needed unless both maxima are given.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.images[0].get_array()`` holds the grid (masked where blank).
    """
    _style.model(model, TRANSACTION_MODELS)
    horizon = _convert.number(t, "t")
    grid = history.frequency_recency_matrix(model, horizon, max_frequency, max_recency, summary)
    return _matrix(ax, grid, model, f"expected purchases in the next {horizon:g} {unit_name(model)}",
                   f"Expected purchases in the next {horizon:g} {unit_name(model)}\n"
                   f"by frequency and recency (customer age T = {grid.attrs['T']:.4g} {unit_name(model)})")


def plot_probability_alive_matrix(model: Any, max_frequency: Optional[int] = None,
                                  max_recency: Optional[float] = None, summary: Any = None, ax: Any = None) -> Any:
    """P(alive) by frequency and recency (a heat map).

    lifetimes' ``plot_probability_alive_matrix``: cell (``x``, ``t_x``) is
    :meth:`cvm.BetaGeo.probability_alive` of a customer of age ``T = max_recency``; the grid and
    its blank cells are those of :func:`plot_frequency_recency_matrix`.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.images[0].get_array()`` holds the grid.
    """
    _style.model(model, TRANSACTION_MODELS)
    grid = history.probability_alive_matrix(model, max_frequency, max_recency, summary)
    return _matrix(ax, grid, model, "probability the customer is alive",
                   f"Probability alive by frequency and recency\n"
                   f"(customer age T = {grid.attrs['T']:.4g} {unit_name(model)})")


def plot_expected_repeat_purchases(model: Any, t_max: Optional[float] = None, summary: Any = None,
                                   points: int = 100, ax: Any = None) -> Any:
    """Expected repeat purchases of a new customer over time.

    lifetimes' ``plot_expected_repeat_purchases``: :meth:`cvm.BetaGeo.expected_purchases_new_customer`
    at ``points`` times evenly spaced on [0, ``t_max``].

    Parameters
    ----------
    model : BetaGeo, ModifiedBetaGeo or ParetoNBD
    t_max : float, optional
        The last time (model unit); default the largest ``T`` of ``summary``.
    summary : pandas.DataFrame or polars.DataFrame, optional
    points : int
        2 to 100,000.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Line 0 holds the curve.
    """
    _style.model(model, TRANSACTION_MODELS)
    if t_max is None:
        if summary is None:
            raise InvalidValueError("`t_max`: give t_max or a customer summary", field="t_max")
        t_max = _convert.floats(_convert.get(_convert.frame(summary, "summary"), "T"), "T").max()
    end = _convert.number(t_max, "t_max")
    if not math.isfinite(end) or end <= 0:
        raise InvalidValueError(f"`t_max`: expected a finite number > 0, got {t_max!r}", field="t_max")
    k = _style.positive_whole(points, "points", 100_000)
    times = np.linspace(0.0, end, max(k, 2))
    ax = _style.axes(ax)
    ax.plot(times, model.expected_purchases_new_customer(times), color=_style.MODEL, label=type(model).__name__)
    unit = unit_name(model)
    return _style.finish(ax, f"time since the first purchase ({unit})", "expected repeat purchases",
                         "Expected repeat purchases of a new customer", legend=True)
