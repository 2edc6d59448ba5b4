"""cvm on Dask DataFrames: the same analysis past one machine (the ``dask`` extra).

Install with ``pip install 'cvm[dask]'``; without dask, importing this module raises an
:class:`ImportError` naming the extra. The shape is the one of the maths (``docs/scale.md``):

* :func:`summary_from_transactions` shuffles the log by customer with Dask's own shuffle, then runs
  cvm's summary on each partition: every transaction of a customer is in one partition, and the
  observation and calibration ends are global;
* :func:`fit` compresses each partition into unique rows with weights, combines them in a tree
  reduction, and fits on the client: the fit is the one-machine fit on the same customers
  (``docs/scale.md`` states the agreement measured, ≤ 1e-10);
* :func:`predict`, :func:`customer_lifetime_value`, :func:`loyalty_stages`, :func:`churn_risk`
  and :func:`evaluate` are partition-wise maps with the fitted model (or rule set) shipped to the
  workers; each returns a lazy Dask DataFrame with its meta (columns, dtypes, categories, index)
  declared, indexed like the summary, so ``.to_parquet()`` computes once.

The summary's partitions are hash partitions of the customer id: each is sorted by customer and
the divisions are unknown (``known_divisions`` is False), as after any hash shuffle. Errors are
cvm's own, raised on the worker that meets the bad row; ``index`` is the row's position within
its partition.

Examples
--------
>>> import dask.dataframe as dd, cvm, cvm.dask
>>> log = dd.from_pandas(cvm.datasets.load_cdnow_transactions(), npartitions=4)
>>> summary = cvm.dask.summary_from_transactions(log, "customer_id", "date", "amount",
...     calibration_period_end="1997-09-30", time_unit="W")
>>> bg = cvm.dask.fit(cvm.BetaGeo(), summary)
>>> round(bg.params_["r"], 3)
0.243
>>> pred = cvm.dask.predict(bg, summary, t=39)
>>> round(float(pred["expected_purchases"].sum().compute()), 1)
1653.4
"""

from __future__ import annotations

import uuid
from typing import Any, Optional, Sequence

import pandas as pd

try:
    import dask.dataframe as dd
except ImportError as err:  # pragma: no cover - exercised on a stack without dask
    raise ImportError(
        "cvm.dask needs dask[dataframe] (and distributed for a cluster): pip install 'cvm[dask]'"
    ) from err

from . import _convert, _partitioned
from .lifetime2 import GammaGamma
from .lifetime2 import customer_lifetime_value as _clv
from .loyalty import churn_risk as _churn_risk
from .loyalty import loyalty_stages as _loyalty_stages
from .selection import SelectionRules

__all__ = ["summary_from_transactions", "fit", "predict", "customer_lifetime_value", "loyalty_stages",
           "churn_risk", "evaluate"]


def _dask_frame(ddf: Any, field: str) -> dd.DataFrame:
    if not isinstance(ddf, dd.DataFrame):
        from .exceptions import InvalidTypeError

        raise InvalidTypeError(f"`{field}`: expected a dask DataFrame, got {_convert.type_name(ddf)}", field=field)
    return ddf


def _has(ddf: dd.DataFrame, name: Optional[str], argument: str) -> None:
    if name is not None and name not in ddf.columns:
        err = _convert.missing_column(name, ddf.columns)
        err.args = (f"{err.args[0]} (the column given as {argument})",)
        raise err


def summary_from_transactions(
    ddf: dd.DataFrame,
    customer_id_col: str,
    datetime_col: str,
    monetary_value_col: Optional[str] = None,
    observation_period_end: Any = None,
    calibration_period_end: Any = None,
    freq: str = "D",
    freq_multiplier: int = 1,
    time_unit: Optional[str] = None,
    include_first_purchase: bool = False,
    datetime_format: Optional[str] = None,
    timestamp_unit: Optional[str] = None,
    negative_amounts: str = "error",
    *,
    npartitions: Optional[int] = None,
) -> dd.DataFrame:
    """Customer summary of a transaction log held in a Dask DataFrame.

    The arguments and the columns of the result are those of :func:`cvm.summary_from_transactions`.
    One pass over the timestamp column (only that column is read) finds the global first and last
    transaction: the observation end defaults to the last, and the ends are checked there, with
    the errors of the one-machine call. The log (its three columns) is then shuffled by customer
    into ``npartitions`` partitions (default: as many as the log has) and summarised partition by
    partition, lazily.

    Returns
    -------
    dask.dataframe.DataFrame
        Indexed by customer id, sorted within each partition; divisions unknown (hash
        partitions). Each partition records ``attrs["time_unit"]``, which :func:`fit` reads.
        The number of customers left out by a calibration end (``attrs["excluded_customers"]``
        of the one-machine result) is not counted.

    Raises
    ------
    InvalidInputError
        As :func:`cvm.summary_from_transactions`; a bad row raises on the worker reading it
        (``index`` is its position in the partition).
    InvalidTypeError
        ``ddf`` is not a Dask DataFrame.
    """
    ddf = _dask_frame(ddf, "ddf")
    for name, argument in ((customer_id_col, "customer_id_col"), (datetime_col, "datetime_col"),
                           (monetary_value_col, "monetary_value_col")):
        _has(ddf, name, argument)
    bounds = ddf[[datetime_col]].map_partitions(
        _partitioned.bounds_part, datetime_col, datetime_format, timestamp_unit, meta=_partitioned.bounds_meta()
    ).compute()
    options = dict(zip(_partitioned.SUMMARY_OPTIONS,
                       (freq, freq_multiplier, time_unit, include_first_purchase, negative_amounts)))
    plan = _partitioned.plan_summary(bounds, ddf._meta[customer_id_col].dtype, customer_id_col, datetime_col,
                                     monetary_value_col, observation_period_end, calibration_period_end,
                                     datetime_format, timestamp_unit, options)
    columns = [c for c in (customer_id_col, datetime_col, monetary_value_col) if c is not None]
    shuffled = ddf[columns].shuffle(on=customer_id_col, npartitions=npartitions)
    return shuffled.map_partitions(_partitioned.summarize_part, plan, meta=plan.meta)


def fit(model: Any, summary: dd.DataFrame, *, time_unit: Optional[str] = None,
        initial: Optional[dict] = None) -> Any:
    """Fit ``model`` on a customer summary held in a Dask DataFrame; returns the fitted model.

    Each partition is compressed into its unique ``frequency, recency, T`` rows with counts
    (for a :class:`cvm.BetaGeo`, :class:`cvm.ModifiedBetaGeo` or :class:`cvm.ParetoNBD`); the
    rows are merged in a tree reduction, and the model is fitted on the client with the counts as weights: the same
    likelihood as the one-machine fit on every customer. Only the unique rows travel (CDNOW:
    1,391 rows for 2,357 customers; 1M simulated customers with timestamps to the second:
    141,212). A :class:`cvm.GammaGamma` gets the repeat buyers' rows with their ids instead and
    fits them in customer order: its fit is then the one-machine fit exactly (``docs/scale.md``).

    Parameters
    ----------
    model : BetaGeo, ModifiedBetaGeo, ParetoNBD or GammaGamma
        The model to fit (its options, e.g. a penalty, are kept); it is returned fitted.
    summary : dask.dataframe.DataFrame
        A customer summary, e.g. from :func:`summary_from_transactions`.
    time_unit, initial
        As in the model's ``fit``; by default the unit the partitions record.

    Raises
    ------
    InvalidTypeError
        ``model`` is not one of these models, ``summary`` not a Dask DataFrame.
    InvalidInputError, NotIdentifiedError, ConvergenceError
        As the model's ``fit``.
    """
    columns = _partitioned.model_rows(model)
    summary = _dask_frame(summary, "summary")
    meta = _partitioned.rows_meta(columns, summary._meta.index)
    rows = summary.reduction(
        _partitioned.compress_part, aggregate=_partitioned.combine_rows, combine=_partitioned.combine_rows,
        meta=meta, chunk_kwargs={"columns": columns}, split_every=8,
    ).compute()
    return _partitioned.fit_rows(model, rows, time_unit, initial)


def _map(summary: dd.DataFrame, func: Any) -> dd.DataFrame:
    """``func`` (pandas summary → pandas frame) on every partition, with its meta declared."""
    summary = _dask_frame(summary, "summary")
    meta = _partitioned.result_meta(func, summary._meta, summary._meta_nonempty)
    return summary.map_partitions(_partitioned.apply_part, func, meta, meta=meta)


class _Call:
    """A picklable partial: ``function(*before, part, *after, **kwargs)``."""

    def __init__(self, function: Any, before: tuple, after: tuple, kwargs: dict):
        self.function, self.before, self.after, self.kwargs = function, before, after, kwargs
        self.token = uuid.uuid4().hex  # fitted models and rule sets do not hash deterministically

    def __dask_tokenize__(self) -> str:
        return self.token

    def __call__(self, part: pd.DataFrame) -> pd.DataFrame:
        result: pd.DataFrame = self.function(*self.before, part, *self.after, **self.kwargs)
        return result


def predict(model: Any, summary: dd.DataFrame, t: float, level: Optional[float] = None) -> dd.DataFrame:
    """``model.predict(summary, t, level)`` (:meth:`cvm.BetaGeo.predict`) on every partition.

    Returns a Dask DataFrame indexed like ``summary``: ``probability_alive``,
    ``expected_purchases`` (and the interval columns with ``level``).
    """
    return _map(summary, _Call(type(model).predict, (model,), (t, level), {}))


def customer_lifetime_value(transaction_model: Any, spend_model: GammaGamma, summary: dd.DataFrame,
                            horizon: float = 12.0, time_unit: str = "M", discount_rate: float = 0.01,
                            margin: float = 1.0, **kwargs: Any) -> dd.DataFrame:
    """:func:`cvm.customer_lifetime_value` on every partition (the same arguments; ``kwargs``:
    ``method``, ``level``, ``data_time_unit``).

    Returns a Dask DataFrame indexed like ``summary``: ``clv``,
    ``expected_discounted_purchases``, ``expected_spend`` (and ``lower``, ``upper``).
    """
    return _map(summary, _Call(_clv, (transaction_model, spend_model), (horizon, time_unit, discount_rate, margin),
                               kwargs))


def _signals(part: pd.DataFrame, columns: Sequence[str], model: Any, kwargs: dict) -> pd.DataFrame:
    signals = part[list(columns)] if columns else None
    return _loyalty_stages(part, signals, model, **kwargs)


def loyalty_stages(summary: dd.DataFrame, model: Any = None, *, signals: Sequence[str] = (),
                   **kwargs: Any) -> dd.DataFrame:
    """:func:`cvm.loyalty_stages` on every partition.

    ``signals`` names columns of ``summary`` that hold the signals (``purchased``, ``interest``,
    ``referrals``, ``reviews``, ``recommendations``, ``p_alive``): join them to the summary by
    customer first (``summary.join(signals_ddf)``). ``kwargs`` are the thresholds of
    :func:`cvm.loyalty_stages`. Returns ``stage`` (ordered categorical) and ``reasons``.
    """
    for name in signals:
        _has(summary, name, "signals")
    return _map(summary, _Call(_signals, (), (tuple(signals), model, kwargs), {}))


def _churn(part: pd.DataFrame, model: Any, horizon: float, clv: Optional[str], kwargs: dict) -> pd.DataFrame:
    return _churn_risk(model, part, horizon, None if clv is None else part[clv], **kwargs)


def churn_risk(model: Any, summary: dd.DataFrame, horizon: float, clv: Optional[str] = None,
               **kwargs: Any) -> dd.DataFrame:
    """:func:`cvm.churn_risk` on every partition; ``clv`` names a column of ``summary`` (e.g.
    joined from :func:`customer_lifetime_value`) that adds ``value_at_risk``; ``kwargs`` are the
    thresholds."""
    _has(summary, clv, "clv")
    return _map(summary, _Call(_churn, (), (model, horizon, clv, kwargs), {}))


def evaluate(rules: SelectionRules, df: dd.DataFrame, reasons: bool = True) -> dd.DataFrame:
    """:meth:`cvm.SelectionRules.evaluate` on every partition of ``df`` (one row per customer).

    Returns ``decision`` (categorical over the rule set's decisions), ``score``, ``fired_rule``,
    ``strategy`` and, with ``reasons``, ``reasons``. The per-decision counts and concentration
    warnings of the one-machine call describe the whole table: take them from the result
    (``result["decision"].value_counts().compute()``).
    """
    if not isinstance(rules, SelectionRules):
        from .exceptions import InvalidTypeError

        raise InvalidTypeError(f"`rules`: expected a cvm.SelectionRules, got {_convert.type_name(rules)}",
                               field="rules")
    return _map(df, _Call(_partitioned.evaluate_part, (rules.to_json(),), (reasons,), {}))
