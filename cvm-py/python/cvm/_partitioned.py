"""Partition kernels shared by :mod:`cvm.dask` and :mod:`cvm.spark` (plain pandas, no engine).

The engines own partitioning and shuffling; every function here works on one partition (a pandas
DataFrame) or on the small results the client combines. Nothing here computes a number itself:
the summary, the compression and the fits are cvm's own functions, run per partition.

* A customer's summary depends on that customer's transactions only, once the observation and
  calibration ends are global: :func:`plan_summary` fixes them on the client from the global
  first and last timestamps (checked by cvm's own summary on those two timestamps, so a bad end
  raises the error the one-machine call raises), and :func:`summarize_part` summarises the
  customers of one partition.
* A fit needs the unique rows with weights only: :func:`compress_part` per partition,
  :func:`combine_rows` to merge them (sorted as the core's compression sorts them), and
  :func:`fit_rows` on the client.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, Callable, Optional

import numpy as np
import pandas as pd

from . import _convert
from .exceptions import ConcentrationWarning, EmptyInputError, InvalidInputError, InvalidTypeError, InvalidValueError
from .lifetime2 import GammaGamma
from .models import BetaGeo, ModifiedBetaGeo, ParetoNBD
from .summary import _end, _is_arrow_text, _timestamps, summary_from_transactions

TRANSACTION_MODELS = (BetaGeo, ModifiedBetaGeo, ParetoNBD)
TRANSACTION_ROWS = ("frequency", "recency", "T")
SPEND_ROWS = ("frequency", "monetary_value")

# Options of the summary that pass through to every partition unchanged.
SUMMARY_OPTIONS = ("freq", "freq_multiplier", "time_unit", "include_first_purchase", "negative_amounts")


# -- summary -----------------------------------------------------------------------------------
def bounds_part(part: pd.DataFrame, datetime_col: str, datetime_format: Optional[str],
                timestamp_unit: Optional[str]) -> pd.DataFrame:
    """The first and last timestamp of a partition (int64 counts in ``unit``) and its rows."""
    if len(part) == 0:
        return bounds_meta()
    ts, unit = _timestamps(part[datetime_col].reset_index(drop=True), datetime_col, datetime_format,
                           timestamp_unit)
    valid = ts[ts != np.iinfo(np.int64).min]
    if len(valid) == 0:  # only missing timestamps: the summary reports the first one
        return bounds_meta()
    return pd.DataFrame({"first": [int(valid.min())], "last": [int(valid.max())], "rows": [len(part)],
                         "unit": [unit]})


def bounds_meta() -> pd.DataFrame:
    """The empty result of :func:`bounds_part` (its meta)."""
    return pd.DataFrame({"first": pd.Series([], dtype=np.int64), "last": pd.Series([], dtype=np.int64),
                         "rows": pd.Series([], dtype=np.int64), "unit": pd.Series([], dtype=object)})


@dataclass(frozen=True)
class SummaryPlan:
    """What every partition needs to summarise its customers as the one-machine call would."""

    customer_id_col: str
    datetime_col: str
    monetary_value_col: Optional[str]
    datetime_format: Optional[str]
    timestamp_unit: Optional[str]
    observation_end: pd.Timestamp
    calibration_end: Optional[pd.Timestamp]
    first: pd.Timestamp
    options: dict
    meta: pd.DataFrame


def _timestamp(value: int, unit: str) -> pd.Timestamp:
    return pd.Timestamp(np.array([value], dtype=np.int64).view(f"datetime64[{unit}]")[0])


def plan_summary(bounds: pd.DataFrame, id_dtype: Any, customer_id_col: str, datetime_col: str,
                 monetary_value_col: Optional[str], observation_period_end: Any, calibration_period_end: Any,
                 datetime_format: Optional[str], timestamp_unit: Optional[str], options: dict) -> SummaryPlan:
    """Global ends and the result's meta from the per-partition bounds (computed on the client).

    cvm's summary runs on the global first and last timestamp of one customer, with the ends the
    partitions will use: an end before the last transaction, a calibration end after the
    observation end or before every transaction, and timestamps all in one period are the errors
    the one-machine call raises, with the same messages.
    """
    if len(bounds) == 0:
        raise EmptyInputError("`df`: no transactions (or only missing timestamps)", field="df")
    units = sorted(set(bounds["unit"]))
    if len(units) != 1:  # pragma: no cover - one column has one dtype in every partition
        raise InvalidValueError(f"`{datetime_col}`: partitions hold timestamps in units {units}", field=datetime_col)
    unit = units[0]
    first, last = int(bounds["first"].min()), int(bounds["last"].max())
    obs = _end(observation_period_end, "observation_period_end", unit, datetime_format, timestamp_unit)
    cal = _end(calibration_period_end, "calibration_period_end", unit, datetime_format, timestamp_unit)
    obs_ts = _timestamp(last if obs is None else obs, unit)
    cal_ts = None if cal is None else _timestamp(cal, unit)
    two = pd.DataFrame({customer_id_col: [0, 0],
                        datetime_col: np.array([first, last], dtype=np.int64).view(f"datetime64[{unit}]")})
    if monetary_value_col is not None:
        two[monetary_value_col] = 0.0
    try:
        check = summary_from_transactions(two, customer_id_col, datetime_col, monetary_value_col,
                                          observation_period_end=obs_ts, calibration_period_end=cal_ts, **options)
    except InvalidInputError as err:
        if err.index is None:
            raise
        # A row of the two-row log: say which transaction of the whole log it is.
        which = "first" if err.index == 0 else "last"
        message = str(err.args[0]).replace(f"`{err.field}`[{err.index}]", f"`{err.field}` (the log's {which} transaction)")
        raise type(err)(message, field=err.field) from None
    meta = check.iloc[:0].copy()
    meta.index = pd.Index([], dtype=id_dtype, name=customer_id_col)
    meta.attrs = {"time_unit": check.attrs["time_unit"]}
    return SummaryPlan(customer_id_col, datetime_col, monetary_value_col, datetime_format, timestamp_unit,
                       obs_ts, cal_ts, _timestamp(first, unit), dict(options), meta)


def _fresh_id(ids: pd.Series) -> Any:
    """An id no row of ``ids`` has (for the placeholder customer of :func:`summarize_part`)."""
    if ids.dtype.kind in "iu":
        values = ids.to_numpy()
        top = values.max()
        return top + 1 if top < np.iinfo(values.dtype).max else values.min() - 1
    if ids.dtype.kind == "f":
        return float(np.nanmax(ids.to_numpy(dtype=np.float64))) + 1.0
    text = ids.dropna().astype(str)
    return (text.max() if len(text) else "") + "\x00"


def summarize_part(part: pd.DataFrame, plan: SummaryPlan) -> pd.DataFrame:
    """cvm's summary of the customers of one partition (every transaction of a customer is in it).

    The timestamps are read once, with the column's own rules (``datetime_format``,
    ``timestamp_unit``), and the global ends apply. Two checks of the one-machine summary concern
    the whole log, not a partition (a calibration end before every transaction, every customer
    with ``T = 0``); they passed on the client (:func:`plan_summary`), so when a partition alone
    trips them, a placeholder customer at the global first timestamp is added and dropped again.
    """
    if len(part) == 0:
        return plan.meta.copy()
    cid, dt, amount = plan.customer_id_col, plan.datetime_col, plan.monetary_value_col
    ts, unit = _timestamps(part[dt].reset_index(drop=True), dt, plan.datetime_format, plan.timestamp_unit)
    col = part[cid]
    # a string column keeps its storage (an Arrow one is read by the core as it lies)
    ids: Any = col.array if isinstance(col.dtype, pd.StringDtype) or _is_arrow_text(col.dtype) else col.to_numpy()
    log = pd.DataFrame({cid: ids, dt: ts.view(f"datetime64[{unit}]")})
    if amount is not None:
        log[amount] = part[amount].to_numpy()

    def run(frame: pd.DataFrame) -> pd.DataFrame:
        return summary_from_transactions(frame, cid, dt, amount, observation_period_end=plan.observation_end,
                                         calibration_period_end=plan.calibration_end, **plan.options)

    try:
        out = run(log)
    except InvalidInputError as err:
        if err.field not in ("calibration_period_end", "timestamp_unit"):
            raise
        fresh = _fresh_id(log[cid])
        extra = pd.DataFrame({cid: [fresh], dt: pd.Series([plan.first]).astype(log[dt].dtype)})
        if amount is not None:
            extra[amount] = 0.0
        out = run(pd.concat([log, extra], ignore_index=True))
        out = out[out.index != fresh]
    if out.index.dtype != plan.meta.index.dtype:
        out.index = out.index.astype(plan.meta.index.dtype)
    out.attrs = {"time_unit": plan.meta.attrs["time_unit"]}  # equal attrs survive concatenation
    return out


# -- fit ---------------------------------------------------------------------------------------
def model_rows(model: Any) -> tuple[str, ...]:
    """The columns whose unique rows fit ``model`` (an InvalidTypeError for another object)."""
    if isinstance(model, TRANSACTION_MODELS):
        return TRANSACTION_ROWS
    if isinstance(model, GammaGamma):
        return SPEND_ROWS
    names = ", ".join(k.__name__ for k in (*TRANSACTION_MODELS, GammaGamma))
    raise InvalidTypeError(f"`model`: expected a {names} model, got {_convert.type_name(model)}", field="model")


def rows_meta(columns: tuple[str, ...], index: Optional[pd.Index] = None) -> pd.DataFrame:
    """The empty result of :func:`compress_part` and :func:`combine_rows`: the transaction
    models' unique rows with ``weight``, or the spend model's rows indexed by customer."""
    out = pd.DataFrame({c: pd.Series([], dtype=np.float64) for c in columns})
    if columns == TRANSACTION_ROWS:
        out["weight"] = pd.Series([], dtype=np.int64)
    elif index is not None:
        out.index = index[:0]
    out["time_unit"] = pd.Series([], dtype=object, index=out.index)
    return out


def compress_part(part: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """What one partition gives a fit, with the unit its ages are in (``time_unit``, from
    ``attrs``; None when it records none).

    Transaction models: the unique ``frequency, recency, T`` rows with their counts (``weight``),
    cvm's compression. Gamma-Gamma: the repeat buyers' ``frequency, monetary_value`` by customer
    (and any row the fit would reject). The Gamma-Gamma fit sums spend moments in cells: on the
    simulated 1M customers, unique rows with weights, or the rows in another order, move its
    estimate by up to 2e-9 (the optimiser's own reproducibility); fed in customer order, it is
    the one-machine fit exactly.
    """
    if len(part) == 0:
        return rows_meta(columns, part.index)
    cols = {c: _convert.floats(_convert.get(part, c), c) for c in columns}
    if columns == TRANSACTION_ROWS:
        from .summary import compress

        out, _ = compress(frequency=cols["frequency"], recency=cols["recency"], T=cols["T"])
        out["weight"] = out["weight"].astype(np.int64)
    else:
        f, z = cols["frequency"], cols["monetary_value"]
        with np.errstate(invalid="ignore"):
            keep = (f != 0) | ~np.isfinite(z) | (z < 0)
        out = pd.DataFrame({"frequency": f[keep], "monetary_value": z[keep]}, index=part.index[keep])
    out["time_unit"] = _convert.recorded_time_unit(part, "summary")
    return out


def combine_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """Partitions' rows merged: equal unique rows (and units) summed and sorted by their values
    as the core's compression sorts them; the spend model's rows kept as they are."""
    if len(rows) == 0 or "weight" not in rows.columns:
        return rows
    keys = [c for c in rows.columns if c not in ("weight", "time_unit")]
    unit = rows["time_unit"].fillna("")
    out = rows.assign(time_unit=unit).groupby([*keys, "time_unit"], sort=True)["weight"].sum().reset_index()
    out["time_unit"] = out["time_unit"].astype(object).where(out["time_unit"] != "", None)
    return out[[*keys, "weight", "time_unit"]]


def fit_rows(model: Any, rows: pd.DataFrame, time_unit: Optional[str], initial: Optional[dict]) -> Any:
    """Fit ``model`` on the combined rows (on the client): the transaction models on the unique
    rows with their counts as weights, the spend model on the repeat buyers in customer order."""
    if len(rows) == 0:
        if "weight" in rows.columns:
            raise EmptyInputError("`summary`: no customers", field="summary")
        return model.fit(np.zeros(1), np.zeros(1))  # no repeat buyer: the one-machine error
    recorded = sorted(u for u in set(rows["time_unit"]) if u is not None)
    if len(recorded) > 1:
        raise InvalidValueError(f"`time_unit`: the partitions record different units {recorded}; pass one summary",
                                field="time_unit")
    if "weight" in rows.columns:
        data = rows.drop(columns=["time_unit"]).rename(columns={"weight": "weights"})
        data["weights"] = data["weights"].astype(np.float64)
    else:
        data = rows.drop(columns=["time_unit"]).sort_index(kind="stable")
    if recorded:
        data.attrs["time_unit"] = recorded[0]
    return model.fit(data, initial=initial, time_unit=time_unit)


# -- partition-wise maps -----------------------------------------------------------------------
def apply_part(part: pd.DataFrame, func: Callable[[pd.DataFrame], pd.DataFrame], meta: pd.DataFrame) -> pd.DataFrame:
    """``func(part)``, or ``meta`` (indexed like ``part``) for an empty partition. Concentration
    warnings of a partition are not the population's: they are left out."""
    if len(part) == 0:
        out = meta.iloc[:0].copy()
        out.index = part.index[:0]
        return out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConcentrationWarning)
        out = func(part)
    return out


def evaluate_part(rules_json: str, part: pd.DataFrame, reasons: bool) -> pd.DataFrame:
    """``SelectionRules.evaluate`` on one partition; the rule set travels as its JSON document."""
    from .selection import SelectionRules

    return SelectionRules.from_json(rules_json).evaluate(part, reasons)


# A valid customer for computing a result's meta (a sample run on one row).
_SAMPLE = {"frequency": 2.0, "recency": 3.0, "T": 5.0, "n_periods": 5.0, "monetary_value": 10.0}


def sample(meta: pd.DataFrame, nonempty: pd.DataFrame) -> pd.DataFrame:
    """One valid row with ``meta``'s columns: the customer columns from a fixed valid customer,
    the others from ``nonempty`` (an engine's fake non-empty frame of the same dtypes)."""
    row = nonempty.iloc[:1].copy()
    for name, value in _SAMPLE.items():
        if name in row.columns:
            row[name] = value
    row.attrs = dict(meta.attrs)
    return row


def result_meta(func: Callable[[pd.DataFrame], pd.DataFrame], meta: pd.DataFrame, nonempty: pd.DataFrame) -> pd.DataFrame:
    """The empty frame ``func`` returns on partitions of ``meta`` (index dtype and name kept)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConcentrationWarning)
        out = func(sample(meta, nonempty)).iloc[:0].copy()
    out.index = meta.index[:0]
    return out
