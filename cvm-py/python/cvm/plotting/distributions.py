"""The fitted mixing distributions and the data they describe: heterogeneity of the transaction
and dropout rates (lifetimes), the Gamma-Gamma spend distribution (CLVTools) and the customers'
exposure (pymc-marketing).
"""

from __future__ import annotations

import math
from typing import Any, Optional

import numpy as np

from .. import _convert
from ..exceptions import InvalidValueError
from ..lifetime2 import GammaGamma
from ..models import BetaGeo, ModifiedBetaGeo, ParetoNBD
from . import _style
from .checks import TRANSACTION_MODELS, UNITS, unit_name

__all__ = [
    "plot_transaction_rate_heterogeneity",
    "plot_dropout_rate_heterogeneity",
    "plot_spend_distribution",
    "plot_customer_exposure",
]

_POINTS = 200


def gamma_density(x: np.ndarray, shape: float, rate: float) -> np.ndarray:
    """Gamma(shape, rate) density ``rate^shape x^(shape−1) e^(−rate x) / Γ(shape)`` (x > 0)."""
    return np.exp(shape * math.log(rate) + (shape - 1.0) * np.log(x) - rate * x - math.lgamma(shape))


def beta_density(x: np.ndarray, a: float, b: float) -> np.ndarray:
    """Beta(a, b) density ``x^(a−1) (1−x)^(b−1) / B(a, b)`` (0 < x < 1)."""
    ln_beta = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    return np.exp((a - 1.0) * np.log(x) + (b - 1.0) * np.log1p(-x) - ln_beta)


def _gamma_panel(ax: Any, shape: float, rate: float, what: str, unit: str, title: str) -> Any:
    mean, sd = shape / rate, math.sqrt(shape) / rate
    x = np.linspace(0.0, mean + 4.0 * sd, _POINTS + 1)[1:]
    ax.plot(x, gamma_density(x, shape, rate), color=_style.MODEL)
    ax.set_ylim(bottom=0.0)
    return _style.finish(ax, f"{what} (per {unit[:-1]})", "density",
                         f"{title}\nGamma({shape:.3g}, {rate:.3g}): mean {mean:.4g}, sd {sd:.4g}")


def plot_transaction_rate_heterogeneity(model: Any, ax: Any = None) -> Any:
    """The fitted distribution of the customers' purchase rates λ.

    lifetimes' ``plot_transaction_rate_heterogeneity``: in the BG/NBD, MBG/NBD and Pareto/NBD,
    λ ~ Gamma(r, α) (shape ``r``, rate ``α``), density ``α^r λ^(r−1) e^(−αλ) / Γ(r)``, mean
    ``r/α``, standard deviation ``√r/α``. The curve runs over (0, mean + 4 sd] (200 points).

    Parameters
    ----------
    model : BetaGeo, ModifiedBetaGeo or ParetoNBD
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Line 0 holds the density.
    """
    _style.model(model, TRANSACTION_MODELS)
    p = model.params_
    return _gamma_panel(_style.axes(ax), p["r"], p["alpha"], "purchase rate λ", unit_name(model),
                        "Heterogeneity in the purchase rate")


def plot_dropout_rate_heterogeneity(model: Any, ax: Any = None) -> Any:
    """The fitted distribution of the customers' dropout.

    lifetimes' ``plot_dropout_rate_heterogeneity``: in the BG/NBD and MBG/NBD the probability
    ``p`` of dropping out after a purchase is Beta(a, b) (mean ``a/(a+b)``; the curve runs over
    (0, 1), 200 points); in the Pareto/NBD the dropout rate μ is Gamma(s, β) (mean ``s/β``, drawn
    as :func:`plot_transaction_rate_heterogeneity` draws λ). Takes the same arguments; line 0 of
    the returned Axes holds the density.
    """
    _style.model(model, TRANSACTION_MODELS)
    p = model.params_
    ax = _style.axes(ax)
    if isinstance(model, ParetoNBD):
        return _gamma_panel(ax, p["s"], p["beta"], "dropout rate μ", unit_name(model),
                            "Heterogeneity in the dropout rate")
    assert isinstance(model, (BetaGeo, ModifiedBetaGeo))
    a, b = p["a"], p["b"]
    x = np.linspace(0.0, 1.0, _POINTS + 1)[1:-1]
    ax.plot(x, beta_density(x, a, b), color=_style.MODEL)
    mean = a / (a + b)
    sd = math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1.0)))
    ax.set_ylim(bottom=0.0)
    return _style.finish(ax, "probability of dropping out after a purchase p", "density",
                         f"Heterogeneity in the dropout probability\nBeta({a:.3g}, {b:.3g}): "
                         f"mean {mean:.4g}, sd {sd:.4g}")


def spend_density(model: Any, frequency: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """The Gamma-Gamma density of a customer's mean spend ``z̄`` at ``grid``, averaged over the
    customers' frequencies: ``(1/n) Σ_i f(z̄ | x_i)`` with ``f`` the model's per-customer
    likelihood (:meth:`cvm.GammaGamma.log_likelihood_individual`)."""
    levels, counts = np.unique(frequency, return_counts=True)
    f = np.repeat(levels, len(grid))
    z = np.tile(grid, len(levels))
    dens = np.exp(np.asarray(model.log_likelihood_individual(f, z), dtype=np.float64)).reshape(len(levels), -1)
    return (counts[:, None] * dens).sum(axis=0) / counts.sum()


def plot_spend_distribution(model: Any, summary: Any, bins: int = 40, quantile: float = 0.99, ax: Any = None) -> Any:
    """Mean spend per customer: the observed histogram and the Gamma-Gamma model's density.

    CLVTools' spending plot: the repeat buyers' (``frequency > 0``) mean spend ``z̄`` as a
    density histogram (bar height = customers in the bin / (customers × bin width)), and the
    model's density of ``z̄`` for the same customers, ``(1/n) Σ_i f(z̄ | x_i)``, where ``f`` is the
    Gamma-Gamma likelihood of a mean of ``x_i`` purchases (Fader, Hardie & Lee 2005, "RFM and
    CLV", eq. 4), evaluated by the model. Both cover [0, the ``quantile`` of z̄] (the few larger
    spends are off the axis, still counted in the normalisation).

    Parameters
    ----------
    model : GammaGamma
    summary : pandas.DataFrame or polars.DataFrame
        ``frequency`` and ``monetary_value`` per customer.
    bins : int
        Histogram bins (1 to 1000).
    quantile : float
        Upper end of the axis as a quantile of the mean spends, in (0, 1].
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.patches`` are the bars; line 0 is the model's density.
    """
    _style.model(model, (GammaGamma,))
    df = _style.frame(summary, "summary", ("frequency", "monetary_value"), "the summary")
    f = _convert.floats(df["frequency"], "frequency")
    z = _convert.floats(df["monetary_value"], "monetary_value")
    repeat = f > 0
    if not repeat.any():
        raise InvalidValueError("`summary`: no repeat buyers (every frequency is 0)", field="frequency")
    q = _convert.number(quantile, "quantile")
    if not 0 < q <= 1:
        raise InvalidValueError(f"`quantile`: expected a number in (0, 1], got {quantile!r}", field="quantile")
    f, z = f[repeat], z[repeat]
    top = float(np.quantile(z, q))
    edges = np.linspace(0.0, top, _style.positive_whole(bins, "bins", 1000) + 1)
    counts, _ = np.histogram(z, bins=edges)
    width = edges[1] - edges[0]
    ax = _style.axes(ax)
    ax.bar(edges[:-1], counts / (len(z) * width), width=width, align="edge", color=_style.ACTUAL,
           alpha=0.6, label="actual (repeat buyers)")
    grid = np.linspace(0.0, top, _POINTS + 1)[1:]
    ax.plot(grid, spend_density(model, f, grid), color=_style.MODEL, label="Gamma-Gamma")
    return _style.finish(ax, "mean spend per purchase (currency units)", "density",
                         "Distribution of the mean spend", legend=True)


def plot_customer_exposure(summary: Any, n: Optional[int] = 50, ax: Any = None) -> Any:
    """Each customer's observation window: from the first purchase to the last (recency) and on to
    the end of observation (``T``).

    pymc-marketing's ``plot_customer_exposure``: one row per customer (the first ``n`` rows of
    ``summary``; ``None``: all, at most 10,000), a line from 0 to ``recency`` and on to ``T``,
    with a marker at each end.

    Parameters
    ----------
    summary : pandas.DataFrame or polars.DataFrame
        ``recency`` and ``T`` per customer; ``attrs["time_unit"]`` names the unit.
    n : int or None
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.collections``: the two line sets, then the recency and T markers.
    """
    unit = UNITS[_convert.recorded_time_unit(summary, "summary")]
    df = _style.frame(summary, "summary", ("recency", "T"), "the summary")
    rows = len(df) if n is None else _style.positive_whole(n, "n", 10_000)
    if rows > 10_000:
        raise InvalidValueError(f"`n`: at most 10,000 customers, the summary has {len(df):,}", field="n")
    df = df.iloc[:rows]
    recency = _convert.floats(df["recency"], "recency")
    t = _convert.floats(df["T"], "T")
    y = np.arange(1, len(df) + 1)
    ax = _style.axes(ax)
    ax.hlines(y, 0.0, recency, color=_style.ACTUAL, linewidth=1.2)
    ax.hlines(y, recency, t, color=_style.MODEL, linewidth=1.2)
    ax.scatter(recency, y, s=12, color=_style.ACTUAL, label="last purchase (recency)", zorder=3)
    ax.scatter(t, y, s=12, color=_style.MODEL, label="end of observation (T)", zorder=3)
    ax = _style.finish(ax, f"time since the first purchase ({unit})", "customer", "Customer exposure")
    ax.legend(frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=8)
    return ax
