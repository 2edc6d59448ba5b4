"""lifetimes' ten ``plot_*`` functions, with its signatures, drawn by :mod:`cvm.plotting`.

Each adapter takes the lifetimes fitter, gives :mod:`cvm.plotting` the cvm model behind it and
the data lifetimes would read (the fitter's ``data``, a calibration/holdout table, a transaction
log), then applies lifetimes' ``title``, ``xlabel`` and ``ylabel``. ``ax`` (in ``**kwargs`` where
lifetimes has no ``ax`` argument) draws into given axes; other ``**kwargs`` are ignored: cvm's
one colour-blind-safe style is used. The differences in what is drawn (expected rather than
simulated counts, blank impossible cells) are listed in docs/migrating-from-lifetimes.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ... import plotting as _plots
from ...exceptions import InvalidValueError
from ...plotting.tracking import _tracking
from . import utils

__all__ = [
    "plot_period_transactions",
    "plot_calibration_purchases_vs_holdout_purchases",
    "plot_frequency_recency_matrix",
    "plot_probability_alive_matrix",
    "plot_expected_repeat_purchases",
    "plot_history_alive",
    "plot_cumulative_transactions",
    "plot_incremental_transactions",
    "plot_transaction_rate_heterogeneity",
    "plot_dropout_rate_heterogeneity",
    "coalesce",
    "forceAspect",
]


def coalesce(*args):
    """The first argument that is not ``None`` (``None`` when all are)."""
    return next((a for a in args if a is not None), None)


def forceAspect(ax, aspect=1):  # noqa: N802  (lifetimes' name)
    """Set the aspect ratio of the first image of ``ax`` to ``aspect`` (width / height)."""
    extent = ax.get_images()[0].get_extent()
    ax.set_aspect(abs((extent[1] - extent[0]) / (extent[3] - extent[2])) / aspect)


def _labels(ax: Any, title: Any = None, xlabel: Any = None, ylabel: Any = None) -> Any:
    if title is not None:
        ax.set_title(title)
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    return ax


def _model(model: Any, freq: Any = None) -> Any:
    """The cvm model behind a fitter; with ``freq``, recording it as its time unit when it has none."""
    cvm_model = getattr(model, "cvm_model", None)
    if cvm_model is None:
        raise InvalidValueError(f"`model`: expected a fitted cvm.compat.lifetimes fitter, got {type(model).__name__}",
                                field="model")
    if freq is not None and cvm_model.time_unit_ is None:
        cvm_model = cvm_model.with_time_unit(freq)
    return cvm_model


def _customers(model: Any) -> pd.DataFrame:
    """The fitter's data, one row per customer (weighted rows repeated)."""
    data = model.data
    counts = np.asarray(data["weights"], dtype=np.int64)
    return data.loc[data.index.repeat(counts)] if (counts != 1).any() else data


def plot_period_transactions(model, max_frequency=7, title="Frequency of Repeat Transactions",
                             xlabel="Number of Calibration Period Transactions", ylabel="Customers", **kwargs):
    """Customers by number of repeat purchases: actual vs the model's expected count
    (:func:`cvm.plotting.plot_period_transactions`; the last bar pools ``max_frequency`` and more)."""
    ax = _plots.plot_period_transactions(_model(model), _customers(model)[["frequency", "T"]], max_frequency,
                                         ax=kwargs.get("ax"))
    return _labels(ax, title, xlabel, ylabel)


def plot_calibration_purchases_vs_holdout_purchases(model, calibration_holdout_matrix, kind="frequency_cal", n=7,
                                                    **kwargs):
    """Mean holdout purchases by calibration frequency, actual vs model
    (:func:`cvm.plotting.plot_calibration_purchases_vs_holdout_purchases`).

    Raises
    ------
    cvm.InvalidValueError
        ``kind`` other than ``"frequency_cal"`` (the grouping cvm draws).
    """
    if kind != "frequency_cal":
        raise InvalidValueError(f"`kind`: only 'frequency_cal' is drawn (cvm groups customers by calibration "
                                f"frequency), got {kind!r}", field="kind")
    table = calibration_holdout_matrix.rename(columns={"frequency_cal": "frequency", "recency_cal": "recency",
                                                       "T_cal": "T"})
    ax = _plots.plot_calibration_purchases_vs_holdout_purchases(_model(model), table, n, ax=kwargs.get("ax"))
    return _labels(ax, kwargs.get("title"), kwargs.get("xlabel"), kwargs.get("ylabel"))


def _grid_limits(model: Any, max_frequency: Any, max_recency: Any) -> tuple[int, int]:
    return (max_frequency or int(model.data["frequency"].max()), max_recency or int(model.data["T"].max()))


def plot_frequency_recency_matrix(model, T=1, max_frequency=None, max_recency=None, title=None,
                                  xlabel="Customer's Historical Frequency", ylabel="Customer's Recency", **kwargs):
    """Expected purchases in the next ``T`` by frequency and recency (a heat map,
    :func:`cvm.plotting.plot_frequency_recency_matrix`); impossible histories are blank.

    cvm draws recency on the x axis and frequency on the y axis and labels them so; lifetimes'
    default labels are replaced by cvm's unless given."""
    f, r = _grid_limits(model, max_frequency, max_recency)
    ax = _plots.plot_frequency_recency_matrix(_model(model), T, f, r, ax=kwargs.get("ax"))
    return _labels(ax, title)


def plot_probability_alive_matrix(model, max_frequency=None, max_recency=None,
                                  title="Probability Customer is Alive,\nby Frequency and Recency of a Customer",
                                  xlabel="Customer's Historical Frequency", ylabel="Customer's Recency", **kwargs):
    """P(alive) by frequency and recency (:func:`cvm.plotting.plot_probability_alive_matrix`)."""
    f, r = _grid_limits(model, max_frequency, max_recency)
    ax = _plots.plot_probability_alive_matrix(_model(model), f, r, ax=kwargs.get("ax"))
    return _labels(ax, title)


def plot_expected_repeat_purchases(model, title="Expected Number of Repeat Purchases per Customer",
                                   xlabel="Time Since First Purchase", ax=None, label=None, **kwargs):
    """Expected repeat purchases of a new customer up to the largest ``T`` of the data
    (:func:`cvm.plotting.plot_expected_repeat_purchases`)."""
    ax = _plots.plot_expected_repeat_purchases(_model(model), float(model.data["T"].max()), ax=ax)
    if label is not None:
        ax.lines[-1].set_label(label)
        ax.legend()
    return _labels(ax, title, xlabel)


def plot_history_alive(model, t, transactions, datetime_col, freq="D", start_date=None, ax=None, **kwargs):
    """One customer's P(alive) over the ``t`` periods after their first purchase, their
    purchases marked (:func:`cvm.plotting.plot_history_alive`). ``transactions`` holds that
    customer's rows only, as in lifetimes; the path starts at the first purchase
    (``start_date`` is accepted and unused)."""
    first = pd.to_datetime(transactions[datetime_col]).min()
    end = (pd.Period(first, freq=freq) + int(t)).start_time
    log = transactions.assign(_customer=0)
    ax = _plots.plot_history_alive(_model(model, freq), log, 0, "_customer", datetime_col, end=end, freq=freq,
                                   points=int(t) + 1, ax=ax)
    return _labels(ax, "History of P(alive)")


def _tracking_plot(model, transactions, datetime_col, customer_id_col, t, t_cal, datetime_format, freq,
                   set_index_date, title, xlabel, ylabel, ax, incremental: bool):
    table = utils.expected_cumulative_transactions(model, transactions, datetime_col, customer_id_col, t,
                                                   datetime_format, freq, 1, set_index_date)
    actual, predicted = table["actual"].to_numpy(), table["predicted"].to_numpy()
    if incremental:
        actual, predicted = np.diff(actual, prepend=0.0), np.diff(predicted, prepend=0.0)
    x = np.arange(1, len(table) + 1)
    ax = _tracking(ax, _model(model, freq), x, actual, predicted, float(t_cal), ylabel, title)
    return _labels(ax, title, xlabel, ylabel)


def plot_cumulative_transactions(model, transactions, datetime_col, customer_id_col, t, t_cal, datetime_format=None,
                                 freq="D", set_index_date=False, title="Tracking Cumulative Transactions",
                                 xlabel="day", ylabel="Cumulative Transactions", ax=None, **kwargs):
    """Cumulative repeat transactions, actual vs model, the calibration end ``t_cal`` marked; the
    numbers are :func:`cvm.compat.lifetimes.utils.expected_cumulative_transactions`."""
    return _tracking_plot(model, transactions, datetime_col, customer_id_col, t, t_cal, datetime_format, freq,
                          set_index_date, title, xlabel, ylabel, ax, incremental=False)


def plot_incremental_transactions(model, transactions, datetime_col, customer_id_col, t, t_cal, datetime_format=None,
                                  freq="D", set_index_date=False, title="Tracking Daily Transactions", xlabel="day",
                                  ylabel="Transactions", ax=None, **kwargs):
    """Repeat transactions per period, actual vs model (differences of
    :func:`plot_cumulative_transactions`' numbers)."""
    return _tracking_plot(model, transactions, datetime_col, customer_id_col, t, t_cal, datetime_format, freq,
                          set_index_date, title, xlabel, ylabel, ax, incremental=True)


def _suptitle(ax: Any, suptitle: Any, fontsize: Any) -> None:
    if suptitle is not None:
        ax.figure.suptitle(suptitle, fontsize=fontsize)


def plot_transaction_rate_heterogeneity(model, suptitle="Heterogeneity in Transaction Rate",
                                        xlabel="Transaction Rate", ylabel="Density", suptitle_fontsize=14, **kwargs):
    """The fitted Gamma(r, alpha) distribution of the purchase rates
    (:func:`cvm.plotting.plot_transaction_rate_heterogeneity`)."""
    ax = _plots.plot_transaction_rate_heterogeneity(_model(model), ax=kwargs.get("ax"))
    _suptitle(ax, suptitle, suptitle_fontsize)
    return _labels(ax, None, xlabel, ylabel)


def plot_dropout_rate_heterogeneity(model, suptitle="Heterogeneity in Dropout Probability",
                                    xlabel="Dropout Probability p", ylabel="Density", suptitle_fontsize=14, **kwargs):
    """The fitted Beta(a, b) distribution of the dropout probability (BG/NBD, MBG/NBD) or
    Gamma(s, beta) of the dropout rate (Pareto/NBD)
    (:func:`cvm.plotting.plot_dropout_rate_heterogeneity`)."""
    ax = _plots.plot_dropout_rate_heterogeneity(_model(model), ax=kwargs.get("ax"))
    _suptitle(ax, suptitle, suptitle_fontsize)
    return _labels(ax, None, xlabel, ylabel)
