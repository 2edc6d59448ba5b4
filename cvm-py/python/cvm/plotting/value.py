"""cvm's value pictures: the current × potential value matrix, the whale curve and the cash-flow
lifetime value of the method's worked example."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import _convert
from ..exceptions import InvalidValueError
from ..value import ValueMatrixResult, WhaleCurve
from . import _style

__all__ = ["plot_value_matrix", "plot_whale_curve", "plot_cashflow_clv"]


def _aligned(values: Any, index: pd.Index, field: str) -> np.ndarray:
    """``values`` in the order of ``index`` (a Series by label, anything else by position)."""
    if isinstance(values, pd.Series):
        if len(values) != len(index) or not values.index.isin(index).all() or not index.isin(values.index).all():
            raise InvalidValueError(f"`{field}`: its index differs from the matrix customers' index", field=field)
        values = values.reindex(index)
    out = _convert.floats(values, field)
    if len(out) != len(index):
        raise InvalidValueError(f"`{field}`: {len(out)} values for {len(index)} customers of the matrix", field=field)
    return out


def plot_value_matrix(matrix: Any, current: Any, potential: Any, scale: str = "linear", ax: Any = None) -> Any:
    """The value matrix: customers by current (x) and potential (y) value, coloured by cell.

    The cut points of :func:`cvm.value_matrix` are drawn as lines (``current_thresholds``
    vertical, ``potential_thresholds`` horizontal); the legend names each cell, its strategy
    (``seeds/001:49``) and its number of customers.

    Parameters
    ----------
    matrix : ValueMatrixResult
        From :func:`cvm.value_matrix`.
    current, potential : pandas.Series or array-like
        The values the matrix was made from (Series by label, arrays in the matrix's order).
    scale : {"linear", "symlog"}
        Axis scale; ``"symlog"`` spreads skewed values (linear near 0, logarithmic beyond).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.collections[k]`` holds the customers of cell ``k`` (its offsets: current, potential).
    """
    _style.instance(matrix, ValueMatrixResult, "matrix", "cvm.value_matrix")
    if scale not in ("linear", "symlog"):
        raise InvalidValueError(f"`scale`: expected 'linear' or 'symlog', got {scale!r}", field="scale")
    index = matrix.customers.index
    x, y = _aligned(current, index, "current"), _aligned(potential, index, "potential")
    cell = matrix.customers["cell"].to_numpy()
    ax = _style.axes(ax)
    for k, row in matrix.cells.iterrows():
        mine = cell == k
        ax.scatter(x[mine], y[mine], s=8, alpha=0.7, color=_style.CYCLE[int(k) % len(_style.CYCLE)],
                   label=f"{row['label']}: {row['strategy']} ({int(row['count']):,})")
    for v in matrix.current_thresholds:
        ax.axvline(v, color=_style.GUIDE, linestyle="--", linewidth=1)
    for v in matrix.potential_thresholds:
        ax.axhline(v, color=_style.GUIDE, linestyle="--", linewidth=1)
    if scale == "symlog":
        ax.set_xscale("symlog")
        ax.set_yscale("symlog")
        # symlog pads into the negatives; keep the axes on the data
        for v, limit in ((x, ax.set_xlim), (y, ax.set_ylim)):
            lo, hi = float(v.min()), float(v.max())
            limit(lo * 1.5 if lo < 0 else 0.0, hi * 1.5 if hi > 0 else 1.0)
    ax = _style.finish(ax, "current value (currency units)", "potential value (currency units)",
                       f"Value matrix ({matrix.shape[0]} × {matrix.shape[1]} cells)")
    ax.legend(frameon=False, fontsize=7, loc="best")
    return ax


def plot_whale_curve(curve: Any, ax: Any = None) -> Any:
    """The whale curve: cumulative profit of the most profitable customers first.

    ``C(k)`` (:attr:`cvm.WhaleCurve.curve`) against the share of customers ``k/n``, from
    ``(0, 0)``; the total profit is a dotted line and the peak is marked. :meth:`WhaleCurve.plot`
    is a shortcut to this function.

    Parameters
    ----------
    curve : WhaleCurve
        From :func:`cvm.whale_curve`.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Line 0: ``(k/n, C(k))`` for k = 0..n; line 1: the total.
    """
    _style.instance(curve, WhaleCurve, "curve", "cvm.whale_curve")
    ax = _style.axes(ax)
    n = len(curve.curve)
    x = np.arange(n + 1) / n
    ax.plot(x, np.concatenate([[0.0], curve.curve]), color=_style.ACTUAL, label="cumulative profit")
    ax.axhline(curve.total, linestyle=":", color=_style.GUIDE, label=f"total {curve.total:,.0f}")
    ax.scatter([curve.peak_rank / n], [curve.peak], color=_style.MODEL, zorder=3,
               label=f"peak {curve.peak:,.0f} ({curve.peak_rank:,} customers)")
    return _style.finish(ax, "share of customers (most profitable first)", "cumulative profit (currency units)",
                         "Whale curve", legend=True)


def plot_cashflow_clv(breakdown: Any, ax: Any = None) -> Any:
    """A cash-flow lifetime value period by period: present values as bars, the running NPV as a line.

    Draws :func:`cvm.cashflow_breakdown`: one bar per period, its ``present_value`` (the
    period's contribution × survival × discount factor; the worked example of ``seeds/001:55``), and the
    ``cumulative`` value from ``−acquisition cost`` at period 0 to the CLV at the last period
    (plus ``tail_value`` for an infinite horizon, noted in the title).

    Parameters
    ----------
    breakdown : pandas.DataFrame
        From :func:`cvm.cashflow_breakdown` (columns ``present_value``, ``cumulative``; ``attrs``
        ``acquisition_cost`` and ``clv``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Bars: ``present_value`` per period; line 0: ``(0, −A)`` then ``(period, cumulative)``.
    """
    df = _style.frame(breakdown, "breakdown", ("present_value", "cumulative"), "the breakdown")
    attrs = getattr(breakdown, "attrs", {})
    if "acquisition_cost" not in attrs or "clv" not in attrs:
        raise InvalidValueError("`breakdown`: expected the result of cvm.cashflow_breakdown (attrs "
                                "acquisition_cost and clv are missing)", field="breakdown")
    periods = df.index.to_numpy(dtype=np.float64)
    pv = _convert.floats(df["present_value"], "present_value")
    ax = _style.axes(ax)
    ax.bar(periods, pv, width=0.6, color=[_style.ACTUAL if v >= 0 else _style.PALETTE["vermillion"] for v in pv],
           label="present value of the period")
    ax.plot(np.concatenate([[0.0], periods]),
            np.concatenate([[-float(attrs["acquisition_cost"])], _convert.floats(df["cumulative"], "cumulative")]),
            "o-", color=_style.MODEL, label="cumulative value (NPV so far)")
    ax.axhline(0.0, color=_style.GUIDE, linewidth=0.8)
    tail = float(attrs.get("tail_value", 0.0))
    note = f" (incl. tail {tail:,.2f})" if tail else ""
    return _style.finish(ax, "period", "value (currency units)",
                         f"Cash-flow lifetime value: CLV {float(attrs['clv']):,.2f}{note}", legend=True)
