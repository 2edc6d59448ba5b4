"""cvm on PySpark DataFrames: the same analysis past one machine (the ``spark`` extra).

Install with ``pip install 'cvm[spark]'`` (Spark needs a Java runtime); without pyspark,
importing this module raises an :class:`ImportError` naming the extra. The entry points are those
of :mod:`cvm.dask` (``docs/scale.md``), with Arrow-based ``mapInArrow`` (no row-at-a-time Python):

* :func:`summary_from_transactions` repartitions the log by customer (``repartition`` on the id
  column) and runs cvm's summary on each partition;
* :func:`fit` compresses each partition into unique rows, sums their counts with a Spark
  aggregation, and fits on the driver;
* :func:`predict`, :func:`customer_lifetime_value`, :func:`loyalty_stages`, :func:`churn_risk`
  and :func:`evaluate` map Arrow batches with the fitted model (or rule set) shipped to the
  executors.

Every result is a Spark DataFrame with a declared schema: the customer id column first (its
type kept), then the columns of the pandas function, categoricals as strings. A summary marks its
id column and its time unit in the columns' metadata (``cvm.customer_id``, ``cvm.time_unit``):
the other entry points read them, so a summary written with ``saveAsTable`` or read back from
Parquet needs ``customer_id_col=`` (and ``time_unit=`` in :func:`fit`) only when they were lost.

Spark's ``TimestampType`` is an instant: the periods of the summary are UTC calendar periods
(set ``spark.sql.session.timeZone`` to ``UTC`` when naive timestamps are created from pandas, or
use ``TimestampNTZType``).
"""

from __future__ import annotations

import warnings
from typing import Any, Callable, Iterator, Optional, Sequence

import pandas as pd

try:
    import pyarrow as pa  # type: ignore[import-untyped]
    from pyspark.sql import DataFrame, functions as F
    from pyspark.sql.pandas.types import from_arrow_schema, to_arrow_type
    from pyspark.sql.types import DoubleType, LongType, StructField, StructType
except ImportError as err:  # pragma: no cover - exercised on a stack without pyspark
    raise ImportError("cvm.spark needs pyspark and pyarrow: pip install 'cvm[spark]'") from err

from . import _convert, _partitioned
from .exceptions import ConcentrationWarning, InvalidTypeError, MissingColumnError
from .lifetime2 import GammaGamma
from .lifetime2 import customer_lifetime_value as _clv
from .loyalty import churn_risk as _churn_risk
from .loyalty import loyalty_stages as _loyalty_stages
from .selection import SelectionRules

__all__ = ["summary_from_transactions", "fit", "predict", "customer_lifetime_value", "loyalty_stages",
           "churn_risk", "evaluate"]

_ID_KEY = "cvm.customer_id"
_UNIT_KEY = "cvm.time_unit"


def _spark_frame(sdf: Any, field: str) -> DataFrame:
    if not isinstance(sdf, DataFrame):
        raise InvalidTypeError(f"`{field}`: expected a pyspark DataFrame, got {_convert.type_name(sdf)}", field=field)
    return sdf


def _has(sdf: DataFrame, name: Optional[str], argument: str) -> None:
    if name is not None and name not in sdf.columns:
        err = _convert.missing_column(name, sdf.columns)
        err.args = (f"{err.args[0]} (the column given as {argument})",)
        raise err


def _pandas(batch: Any) -> pd.DataFrame:
    """An Arrow batch or table as pandas (dates as datetime64, not Python objects)."""
    return batch.to_pandas(date_as_object=False)


def _batches(frame: pd.DataFrame, schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """A pandas result (index = customer id) as Arrow batches of the declared schema."""
    frame = frame.reset_index()
    for name in frame.columns:
        if isinstance(frame[name].dtype, pd.CategoricalDtype):
            frame[name] = frame[name].astype(object).where(frame[name].notna(), None)
    yield from pa.Table.from_pandas(frame, schema=schema, preserve_index=False).to_batches()


def _id_dtype(field: StructField) -> Any:
    return pa.array([], type=to_arrow_type(field.dataType)).to_pandas().dtype


# -- summary -----------------------------------------------------------------------------------
def summary_from_transactions(
    sdf: DataFrame,
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
    num_partitions: Optional[int] = None,
) -> DataFrame:
    """Customer summary of a transaction log held in a Spark DataFrame.

    The arguments and the columns are those of :func:`cvm.summary_from_transactions`. One pass
    over the timestamp column finds the global first and last transaction (the observation end
    defaults to the last; the ends are checked there with the one-machine errors); the log's
    three columns are then repartitioned by customer (``num_partitions``, default
    ``spark.sql.shuffle.partitions``) and summarised partition by partition, lazily.

    Returns
    -------
    pyspark.sql.DataFrame
        The customer id (its type kept) then ``frequency``, ``recency``, ``T``, … (doubles); the
        id column's metadata marks it, and the others' record the time unit.
    """
    sdf = _spark_frame(sdf, "sdf")
    for name, argument in ((customer_id_col, "customer_id_col"), (datetime_col, "datetime_col"),
                           (monetary_value_col, "monetary_value_col")):
        _has(sdf, name, argument)

    def bounds(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            out = _partitioned.bounds_part(_pandas(batch), datetime_col, datetime_format, timestamp_unit)
            if len(out):
                yield pa.RecordBatch.from_pandas(out, preserve_index=False)

    found = sdf.select(datetime_col).mapInArrow(bounds, "first long, last long, rows long, unit string").toPandas()
    id_field = sdf.schema[customer_id_col]
    options = dict(zip(_partitioned.SUMMARY_OPTIONS,
                       (freq, freq_multiplier, time_unit, include_first_purchase, negative_amounts)))
    plan = _partitioned.plan_summary(found, _id_dtype(id_field), customer_id_col, datetime_col, monetary_value_col,
                                     observation_period_end, calibration_period_end, datetime_format,
                                     timestamp_unit, options)
    unit = plan.meta.attrs["time_unit"]
    schema = StructType([StructField(customer_id_col, id_field.dataType, id_field.nullable, {_ID_KEY: True})]
                        + [StructField(c, DoubleType(), True, {_UNIT_KEY: unit}) for c in plan.meta.columns])
    arrow = _arrow_schema(schema)

    def summarize(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        table = pa.Table.from_batches(list(batches))  # the whole partition: all of its customers' rows
        if table.num_rows:
            yield from _batches(_partitioned.summarize_part(_pandas(table), plan), arrow)

    columns = [c for c in (customer_id_col, datetime_col, monetary_value_col) if c is not None]
    log = sdf.select(*columns)
    parts = log.repartition(num_partitions, customer_id_col) if num_partitions else log.repartition(customer_id_col)
    return parts.mapInArrow(summarize, schema)


def _arrow_schema(schema: Any) -> pa.Schema:
    """The Arrow schema of a Spark ``StructType``."""
    return pa.schema([pa.field(f.name, to_arrow_type(f.dataType)) for f in schema.fields])


def _id_column(summary: DataFrame, customer_id_col: Optional[str]) -> str:
    if customer_id_col is not None:
        _has(summary, customer_id_col, "customer_id_col")
        return customer_id_col
    marked = [f.name for f in summary.schema.fields if f.metadata.get(_ID_KEY)]
    if len(marked) != 1:
        raise MissingColumnError(
            "`customer_id_col`: the summary does not mark its customer id column (a summary of "
            "cvm.spark.summary_from_transactions does); pass customer_id_col=", field="customer_id_col")
    return marked[0]


def _time_unit(summary: DataFrame) -> Optional[str]:
    units = {f.metadata[_UNIT_KEY] for f in summary.schema.fields if f.metadata.get(_UNIT_KEY)}
    return units.pop() if len(units) == 1 else None


def _part(batch: Any, id_col: str, unit: Optional[str]) -> pd.DataFrame:
    part = _pandas(batch).set_index(id_col)
    if unit is not None:
        part.attrs["time_unit"] = unit
    return part


# -- fit ---------------------------------------------------------------------------------------
def fit(model: Any, summary: DataFrame, *, customer_id_col: Optional[str] = None, time_unit: Optional[str] = None,
        initial: Optional[dict] = None) -> Any:
    """Fit ``model`` on a customer summary held in a Spark DataFrame; returns the fitted model.

    As :func:`cvm.dask.fit`: each partition is compressed into its unique rows with counts, the
    counts are summed by a Spark aggregation, and the model is fitted on the driver with the
    counts as weights (a :class:`cvm.GammaGamma` gets the repeat buyers in customer order).
    ``time_unit`` defaults to the unit the summary's metadata records.
    """
    columns = _partitioned.model_rows(model)
    summary = _spark_frame(summary, "summary")
    id_col = _id_column(summary, customer_id_col)
    unit = _time_unit(summary)
    spend = columns == _partitioned.SPEND_ROWS
    fields = [f"{c} double" for c in columns]
    ddl = ", ".join([f"`{id_col}` {summary.schema[id_col].dataType.simpleString()}"] * spend + fields
                    + ["weight long"] * (not spend) + ["time_unit string"])
    arrow = _arrow_schema(StructType.fromDDL(ddl))

    def compress(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            out = _partitioned.compress_part(_part(batch, id_col, unit), columns)
            if len(out):
                frame = out.reset_index() if spend else out
                yield pa.RecordBatch.from_pandas(frame.rename(columns={"index": id_col}), schema=arrow,
                                                 preserve_index=False)

    rows = summary.select(id_col, *columns).mapInArrow(compress, ddl)
    if not spend:
        rows = rows.groupBy(*columns, "time_unit").agg(F.sum("weight").cast(LongType()).alias("weight"))
    local = rows.toPandas()
    if spend:
        local = local.set_index(id_col)
    else:
        local = _partitioned.combine_rows(local[[*columns, "weight", "time_unit"]])
    local["time_unit"] = local["time_unit"].astype(object).where(local["time_unit"].notna(), None)
    return _partitioned.fit_rows(model, local, time_unit, initial)


# -- partition-wise maps -----------------------------------------------------------------------
_FAKE = {"bool": True, "string": "x"}


def _sample(summary: DataFrame, id_col: str, unit: Optional[str]) -> pd.DataFrame:
    """One valid row with ``summary``'s columns and types (the customer columns from a fixed
    valid customer), indexed by a customer id of the id column's type."""
    row = {}
    for f in summary.schema.fields:
        kind = f.dataType.typeName()
        row[f.name] = [_FAKE.get(kind, "x" if kind in ("varchar", "char") else 1)]
    arrow = pa.Table.from_pydict(row, schema=_arrow_schema(summary.schema))
    part = _part(arrow, id_col, unit)
    return _partitioned.sample(part, part)


def _map(summary: DataFrame, func: Callable[[pd.DataFrame], pd.DataFrame], customer_id_col: Optional[str]) -> DataFrame:
    """``func`` (pandas summary → pandas frame) on every Arrow batch, with the schema declared."""
    summary = _spark_frame(summary, "summary")
    id_col = _id_column(summary, customer_id_col)
    unit = _time_unit(summary)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConcentrationWarning)
        sample = func(_sample(summary, id_col, unit))
    id_field = summary.schema[id_col]
    typed = pa.Table.from_pandas(sample.reset_index(drop=True)).schema  # the result's Arrow types
    typed = pa.schema([pa.field(n, pa.string() if isinstance(sample[n].dtype, pd.CategoricalDtype) else typed.field(n).type)
                       for n in sample.columns])
    schema = StructType([StructField(id_col, id_field.dataType, id_field.nullable, id_field.metadata)]
                        + list(from_arrow_schema(typed).fields))
    arrow = _arrow_schema(schema)
    columns = list(summary.columns)

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            if batch.num_rows:
                part = _part(batch, id_col, unit)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ConcentrationWarning)
                    yield from _batches(func(part), arrow)

    return summary.select(*columns).mapInArrow(run, schema)


def predict(model: Any, summary: DataFrame, t: float, level: Optional[float] = None, *,
            customer_id_col: Optional[str] = None) -> DataFrame:
    """``model.predict(summary, t, level)`` on every batch: id, ``probability_alive``,
    ``expected_purchases`` (and the interval columns with ``level``)."""
    return _map(summary, lambda part: model.predict(part, t, level), customer_id_col)


def customer_lifetime_value(transaction_model: Any, spend_model: GammaGamma, summary: DataFrame,
                            horizon: float = 12.0, time_unit: str = "M", discount_rate: float = 0.01,
                            margin: float = 1.0, *, customer_id_col: Optional[str] = None,
                            **kwargs: Any) -> DataFrame:
    """:func:`cvm.customer_lifetime_value` on every batch (``kwargs``: ``method``, ``level``,
    ``data_time_unit``): id, ``clv``, ``expected_discounted_purchases``, ``expected_spend``."""
    return _map(summary, lambda part: _clv(transaction_model, spend_model, part, horizon, time_unit, discount_rate,
                                           margin, **kwargs), customer_id_col)


def loyalty_stages(summary: DataFrame, model: Any = None, *, signals: Sequence[str] = (),
                   customer_id_col: Optional[str] = None, **kwargs: Any) -> DataFrame:
    """:func:`cvm.loyalty_stages` on every batch: id, ``stage`` (string), ``reasons``.
    ``signals`` names columns of ``summary`` holding the signals (join them by customer first);
    ``kwargs`` are the thresholds."""
    names = list(signals)
    for name in names:
        _has(summary, name, "signals")
    return _map(summary, lambda part: _loyalty_stages(part, part[names] if names else None, model, **kwargs),
                customer_id_col)


def churn_risk(model: Any, summary: DataFrame, horizon: float, clv: Optional[str] = None, *,
               customer_id_col: Optional[str] = None, **kwargs: Any) -> DataFrame:
    """:func:`cvm.churn_risk` on every batch; ``clv`` names a column of ``summary`` (adds
    ``value_at_risk``); ``kwargs`` are the thresholds."""
    _has(summary, clv, "clv")
    return _map(summary, lambda part: _churn_risk(model, part, horizon, None if clv is None else part[clv], **kwargs),
                customer_id_col)


def evaluate(rules: SelectionRules, df: DataFrame, reasons: bool = True, *,
             customer_id_col: Optional[str] = None) -> DataFrame:
    """:meth:`cvm.SelectionRules.evaluate` on every batch of ``df`` (one row per customer): id,
    ``decision`` (string), ``score``, ``fired_rule``, ``strategy`` (and ``reasons``, an array of
    reason codes). Take the counts per decision from the result
    (``result.groupBy("decision").count()``)."""
    if not isinstance(rules, SelectionRules):
        raise InvalidTypeError(f"`rules`: expected a cvm.SelectionRules, got {_convert.type_name(rules)}",
                               field="rules")
    document = rules.to_json()
    return _map(df, lambda part: _partitioned.evaluate_part(document, part, reasons), customer_id_col)

