"""Transaction log → customer summary, compression and RFM segments."""

from __future__ import annotations

import json
import re
from typing import Any, Callable, Optional, cast

import numpy as np
import pandas as pd

from . import _convert, _output
from . import _cvm
from .exceptions import CvmError, InvalidValueError, UnknownNameError

__all__ = ["summary_from_transactions", "compress", "rfm_segments", "default_segment_table"]


_TIMESTAMP_UNITS = ("s", "ms", "us", "ns", "D")
_NS_PER = {"ns": 1, "us": 10**3, "ms": 10**6, "s": 10**9, "D": 86_400 * 10**9}
_MISSING = np.iinfo(np.int64).min


@_output.tables
def summary_from_transactions(
    df: Any,
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
    output: str = "pandas",
) -> pd.DataFrame:
    """Customer summary (frequency, recency, T, monetary value) of a transaction log.

    Transactions of a customer within the same period (``freq`` × ``freq_multiplier``) merge into
    one; ``frequency`` counts the *repeat* purchase periods (the first is not counted);
    ``recency`` is the age at the last purchase period (0 without repeats) and ``T`` the age at the
    end of observation, both measured from the start of the first purchase period. By default ages
    are counted in periods; with ``time_unit`` they are calendar days divided by the unit's length
    (D = 1, W = 7, M = 365.25/12, Y = 365.25 days). ``monetary_value`` is the mean amount of the
    repeat purchase periods (0 without repeats).

    Timestamps are never guessed: ``datetime64`` columns are read at their own resolution
    (``[s]``, ``[ms]``, ``[us]``, ``[ns]``); time-zone aware ones are converted to UTC and the
    periods are UTC calendar periods (convert to naive local time first for local periods);
    string columns are parsed with ``datetime_format`` or as ISO 8601 (naive = UTC); integer
    columns are an error unless ``timestamp_unit`` (counts since 1970-01-01) or
    ``datetime_format`` (e.g. ``"%Y%m%d"`` for ``20240101``) says how to read them. The same rules
    apply to ``observation_period_end`` and ``calibration_period_end``. Supported dates:
    0001-01-01 to 9999-12-31.

    Parameters
    ----------
    df : pandas.DataFrame or polars.DataFrame
        The transaction log, one row per transaction.
    customer_id_col, datetime_col : str
        Columns holding the customer id and the transaction time.
    monetary_value_col : str, optional
        Column of amounts; adds ``monetary_value`` (and ``monetary_value_holdout``).
    observation_period_end : date-like, optional
        End of observation; default the last transaction. A later transaction is an error.
    calibration_period_end : date-like, optional
        End of calibration: the summary describes the calibration period and adds
        ``frequency_holdout``, ``monetary_value_holdout``, ``duration_holdout`` for
        ``(calibration_period_end, observation_period_end]``. Customers whose first purchase is
        later are left out; their number is in ``result.attrs["excluded_customers"]``.
    freq : {"D", "W", "M", "Y"}
        Calendar day, ISO week (Monday–Sunday), calendar month or year.
    freq_multiplier : int
        Number of ``freq`` units per period.
    time_unit : {"D", "W", "M", "Y"}, optional
        Unit of recency and T (default: the period).
    include_first_purchase : bool
        Include the first purchase period in ``monetary_value``.
    datetime_format : str, optional
        ``strftime`` format of string (or integer) timestamps and ends, as in lifetimes.
    timestamp_unit : {"s", "ms", "us", "ns", "D"}, optional
        Unit of integer timestamps (counts since 1970-01-01T00:00Z); required for integer
        columns unless ``datetime_format`` is given.
    negative_amounts : {"error", "net"}
        ``"error"`` (default): a negative amount (return, refund) is an error naming its row.
        ``"net"``: the amounts of a period are summed; every period with a transaction is a
        purchase period whatever the sign of its net amount (a refund alone in a later period
        counts as a repeat purchase period with a negative amount).

    Returns
    -------
    pandas.DataFrame
        Indexed by customer id (ascending), columns ``frequency``, ``recency``, ``T`` and, when
        requested, ``monetary_value`` and the holdout columns. ``attrs["time_unit"]`` is the unit
        of recency and T (``"D"``, ``"W"``, ``"M"``, ``"Y"``, or ``None`` when they count periods
        of ``freq × k`` with k > 1); ``attrs`` survive column selection, ``.copy()`` and boolean
        filtering.

    Raises
    ------
    InvalidInputError
        Empty log, missing column (the message lists the columns), missing ids or timestamps,
        unparseable timestamps, integer timestamps without a unit, dates outside the supported
        range, non-numeric, NaN/inf or negative amounts, sums that overflow, every ``T = 0``
        from distinct timestamps, transactions after the observation end, calibration end after
        observation end, unknown ``freq``; ``field`` and ``index`` (row position) locate it.

    Examples
    --------
    >>> import pandas as pd, cvm
    >>> log = pd.DataFrame({"id": [1, 1, 2], "date": ["2024-01-01", "2024-01-15", "2024-01-03"],
    ...                     "amount": [10.0, 20.0, 5.0]})
    >>> s = cvm.summary_from_transactions(log, "id", "date", "amount",
    ...                                   observation_period_end="2024-01-29", time_unit="W")
    >>> s.loc[1, ["frequency", "recency", "T", "monetary_value"]].tolist()
    [1.0, 2.0, 4.0, 20.0]
    >>> s.attrs["time_unit"]
    'W'
    >>> days = pd.DataFrame({"id": [1, 1], "day": [20240101, 20240115]})
    >>> cvm.summary_from_transactions(days, "id", "day", datetime_format="%Y%m%d")["T"].tolist()
    [14.0]
    """
    if timestamp_unit is not None and timestamp_unit not in _TIMESTAMP_UNITS:
        raise UnknownNameError(
            f"`timestamp_unit`: unknown value {timestamp_unit!r}; valid values are "
            + ", ".join(_TIMESTAMP_UNITS),
            field="timestamp_unit",
        )
    if _convert.is_polars(df) and not hasattr(df, "get_column"):
        df = df.collect()  # a LazyFrame
    # Text ids are read and coded in the core with the summary (only the distinct ids are
    # sorted, in code point order as Python sorts str: the codes and labels of
    # pandas.factorize(sort=True)); other ids are coded first (a missing one is an error here).
    text, ids, codes, labels = _table_text_ids(df, customer_id_col), None, None, None
    if _convert.is_arrow_table(df):
        # A pyarrow Table: its string ids read where they lie, the other columns converted.
        others = [c for c in df.column_names if c != customer_id_col]
        whole = text is None or customer_id_col in (datetime_col, monetary_value_col)
        df = _convert.frame(df if whole else df.select(others), "df")
    if text is None:
        ids = _column(df, customer_id_col, "customer_id_col")
        text = _text_ids(ids)
        if text is None:
            codes, labels = _customer_codes(ids, customer_id_col)
    ts, unit = _timestamps(_column(df, datetime_col, "datetime_col"), datetime_col, datetime_format, timestamp_unit)
    amount = None
    if monetary_value_col is not None:
        amount = _amounts(_column(df, monetary_value_col, "monetary_value_col"), monetary_value_col)
    ends = {
        name: _end(value, name, unit, datetime_format, timestamp_unit)
        for name, value in (
            ("observation_period_end", observation_period_end),
            ("calibration_period_end", calibration_period_end),
        )
    }
    options: dict[str, Any] = dict(
        timestamp_unit=unit,
        freq=freq,
        freq_multiplier=freq_multiplier,
        time_unit=time_unit,
        observation_end=ends["observation_period_end"],
        calibration_end=ends["calibration_period_end"],
        include_first_purchase=include_first_purchase,
        negative_amounts=negative_amounts,
    )
    columns = {"customer_id": customer_id_col, "datetime": datetime_col, "monetary_value": monetary_value_col}
    out = None
    if text is not None:
        native, index_of = text
        with _convert.fields_renamed(columns):
            out, distinct, _row = _cvm.summarize(native, ts, amount, **options)
        if out is not None and distinct is not None:
            labels = _Labels(distinct, index_of)
    if out is None:
        if codes is None:
            # An element that is not exactly a str, or a missing id: the general path, which
            # names a missing id's row.
            ids = _column(df, customer_id_col, "customer_id_col") if ids is None else ids
            codes, labels = _customer_codes(ids, customer_id_col)
        with _convert.fields_renamed(columns):  # integer codes: always a summary
            out = cast("dict[str, Any]", _cvm.summarize(codes, ts, amount, **options)[0])
    customer = out.pop("customer_id")
    index = pd.Index(customer if labels is None else labels.take(customer), name=customer_id_col, copy=False)
    excluded = out.pop("excluded_customers")
    unit_of_ages = out.pop("time_unit")
    duration = out.pop("duration_holdout", None)
    frame = pd.DataFrame(out, index=index, copy=False)  # the core's arrays, one block each: no copy
    if duration is not None:
        frame["duration_holdout"] = duration
    frame.attrs["excluded_customers"] = excluded
    frame.attrs["time_unit"] = unit_of_ages
    return frame


def _column(df: Any, name: str, argument: str) -> pd.Series:
    """A column by name, positionally indexed and sharing the frame's memory (no copy); a
    missing one is an error naming it and listing the columns present."""
    if name not in df.columns:
        err = _convert.missing_column(name, df.columns)
        err.args = (f"{err.args[0]} (the column given as {argument})",)
        raise err
    if not isinstance(df, pd.DataFrame):
        return _convert.column(df, name)
    col = _convert.get(df, name, "df")
    if isinstance(col.index, pd.RangeIndex) and col.index.start == 0 and col.index.step == 1:
        return col
    return pd.Series(col.array, name=name, copy=False)


def _customer_codes(ids: pd.Series, field: str) -> tuple[np.ndarray, Any]:
    """Customer ids → int64 codes ascending with the ids, and the labels to map them back
    (``None``: the codes are the ids). Categorical ids are coded by their categories' order
    without hashing, as ``pandas.factorize(sort=True)`` orders them."""
    if isinstance(ids.dtype, pd.CategoricalDtype):
        codes = ids.cat.codes.to_numpy()
        bad = _convert.first_true(codes < 0)
        if bad is not None:
            raise InvalidValueError(f"`{field}`[{bad}]: missing customer id", field=field, index=bad)
        positions = np.arange(len(ids.dtype.categories))
        labels = pd.CategoricalIndex(pd.Categorical.from_codes(positions, dtype=ids.dtype))
        return codes.astype(np.int64), labels
    if ids.dtype.kind in "iu" and ids.dtype != np.uint64:
        return _convert.ids_to_int64(ids, field)
    bad = _convert.first_true(ids.isna().to_numpy())
    if bad is not None:
        raise InvalidValueError(f"`{field}`[{bad}]: missing customer id", field=field, index=bad)
    codes, uniques = pd.factorize(ids, sort=False)
    values = uniques.tolist()
    if not all(type(v) is str for v in values):
        return _convert.ids_to_int64(ids, field)
    # Text ids: hashed in order of appearance, then only the distinct ids are sorted (Python's
    # sort compares str directly, much faster than sorting them all as pandas does): the same
    # codes and labels as pandas.factorize(sort=True).
    order = sorted(range(len(values)), key=values.__getitem__)
    rank = np.empty(len(values), dtype=np.int64)
    rank[order] = np.arange(len(values))
    return rank[codes], uniques.take(order)


class _Labels:
    """Labels of text ids: code ``c``'s label from ``distinct[c]`` (its label, or its first row) by
    ``index_of``, which makes the index of a run of codes' ``distinct`` entries."""

    def __init__(self, distinct: np.ndarray, index_of: Callable[[np.ndarray], pd.Index]):
        self.distinct = distinct
        self.index_of = index_of

    def take(self, codes: np.ndarray) -> pd.Index:
        # Every code in the summary (codes ascend with the customers): the entries as they are.
        every = len(codes) == len(self.distinct)
        return self.index_of(self.distinct if every else self.distinct.take(codes))


def _table_text_ids(df: Any, name: str) -> Optional[tuple[Any, Callable[[np.ndarray], pd.Index]]]:
    """A polars ``String`` or pyarrow Table ``string`` / ``large_string`` id column as
    :func:`_text_ids` gives an Arrow-stored column's (no ``str`` made per row), its labels as
    the table's own conversion gives them (``object``, or ``str`` on pandas 3); ``None`` for
    pandas frames, other or missing columns, and polars without pyarrow (polars hands its
    columns over in Arrow through it): those are read as pandas gets them. A missing id also
    gives ``None`` (the general path names its row)."""
    if _convert.is_polars(df):
        if name not in df.columns or _pyarrow() is None or str(df.schema[name]) not in ("String", "Utf8"):
            return None
        return _converted_labels(df.get_column(name).to_arrow())
    if not _convert.is_arrow_table(df) or name not in df.column_names:
        return None
    import pyarrow as pa  # type: ignore[import-untyped]  # (a pyarrow Table needs it)

    column = df.column(name)
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return None
    return _converted_labels(column)


def _converted_labels(arrow: Any) -> Optional[tuple[Any, Callable[[np.ndarray], pd.Index]]]:
    """:func:`_arrow_text` of an Arrow string column whose labels are made as its conversion to
    numpy (``to_numpy``) makes them, the dtype the index then infers."""
    return _arrow_text(arrow, lambda rows: pd.Index(arrow.take(rows).to_numpy(zero_copy_only=False)))


def _text_ids(ids: pd.Series) -> Optional[tuple[Any, Callable[[np.ndarray], pd.Index]]]:
    """Text ids in the form the core reads them, and how the summary's index is made of the
    distinct ids; ``None`` for other ids.

    * an ``object`` column: its own array, each ``str`` read under the GIL; the labels are the
      distinct ids' objects, an ``object`` index as the column;
    * a pandas string column stored as Python objects: its objects as above, the index of the
      column's dtype (as ``pandas.factorize`` keeps it);
    * a string column stored in Arrow (pandas ``string[pyarrow]``, ``pd.ArrowDtype`` strings,
      pandas 3's ``str`` with pyarrow; polars ``String`` and pyarrow Tables' string columns,
      :func:`_table_text_ids`): its offsets and bytes, read by the core where they lie (no
      ``str`` made per row); the labels are taken from the column at each distinct id's first
      row, of the column's dtype.
      A column with a missing id takes the general path, which names its row."""
    if ids.dtype == object:
        raw = _convert.carray(ids.to_numpy(), dtype=object)  # an object column's own array: no copy
        return raw, lambda labels: pd.Index(labels, dtype=object, copy=False)
    if not isinstance(ids.dtype, pd.StringDtype) and not _is_arrow_text(ids.dtype):
        return None
    values = ids.array
    if getattr(ids.dtype, "storage", None) == "python":
        raw = _convert.carray(ids.to_numpy(dtype=object), dtype=object)
        return raw, lambda labels: pd.Index(labels, dtype=ids.dtype)
    return _arrow_text(values.__arrow_array__(), lambda rows: pd.Index(values.take(rows), copy=False))


def _is_arrow_text(dtype: Any) -> bool:
    """Whether ``dtype`` is a ``pd.ArrowDtype`` of strings (32- or 64-bit offsets)."""
    arrow_dtype = getattr(pd, "ArrowDtype", None)
    if arrow_dtype is None or not isinstance(dtype, arrow_dtype):
        return False
    import pyarrow as pa  # type: ignore[import-untyped]  # (an ArrowDtype needs it)

    kind = dtype.pyarrow_dtype  # string views: pandas cannot take (index) them
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _pyarrow() -> Any:
    """The pyarrow module, or ``None`` when it is not installed (it is optional)."""
    try:
        import pyarrow  # type: ignore[import-untyped]
    except ImportError:
        return None
    return pyarrow


def _arrow_text(values: Any, index_of: Callable[[np.ndarray], pd.Index]) -> Optional[tuple[Any, Any]]:
    """An Arrow string array or chunked array → ``((offsets, bytes), index_of)`` for the core:
    int64 offsets (one more than the rows) into one buffer of UTF-8 bytes; ``None`` when an id
    is missing (the general path names its row) or there are none (it reports the empty log)."""
    import pyarrow as pa  # type: ignore[import-untyped]  # (Arrow-stored columns need it)

    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    if values.null_count or len(values) == 0:
        return None
    if not pa.types.is_large_string(values.type):
        values = values.cast(pa.large_string())  # 32-bit offsets or views: one buffer, 64-bit offsets
    _validity, offsets, data = values.buffers()
    start = values.offset
    offsets = np.frombuffer(offsets, dtype=np.int64)[start : start + len(values) + 1]
    data = np.frombuffer(data, dtype=np.uint8) if data is not None else np.empty(0, dtype=np.uint8)
    return (_convert.carray(offsets), _convert.carray(data)), index_of


def _timestamps(
    values: pd.Series, field: str, datetime_format: Optional[str], timestamp_unit: Optional[str]
) -> tuple[np.ndarray, str]:
    """A timestamp column → (int64 counts since the epoch, their numpy unit); never a guess."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert(None)  # UTC wall times: the stored values, no copy
    kind = values.dtype.kind
    if kind == "M":
        if timestamp_unit is not None:
            raise InvalidValueError(
                f"`{field}`: timestamp_unit={timestamp_unit!r} is for integer columns; this column "
                f"is {values.dtype} (its unit is known): leave timestamp_unit out",
                field="timestamp_unit",
            )
        arr = values.to_numpy()
        unit, count = np.datetime_data(arr.dtype)
        if unit not in _TIMESTAMP_UNITS or count != 1:
            target = "ns" if unit in ("ps", "fs", "as") else "s"
            arr, unit = arr.astype(f"datetime64[{target}]"), target
        return _convert.carray(arr.view(np.int64)), unit
    if kind in "iuf":
        if timestamp_unit is not None:
            return _integers(values, field), timestamp_unit
        if datetime_format is None:
            first = values.dropna().iloc[0] if values.notna().any() else None
            raise InvalidValueError(
                f"`{field}`: {values.dtype} timestamps (e.g. {first!r}) need their unit: pass "
                f"timestamp_unit= (one of {', '.join(_TIMESTAMP_UNITS)}: counts since 1970-01-01) "
                f"or datetime_format= (e.g. '%Y%m%d' for 20240101)",
                field=field,
            )
        ints = _integers(values, field)
        values = pd.Series([None if v == _MISSING else str(v) for v in ints.tolist()], dtype=object)
    elif kind == "b":
        raise InvalidValueError(f"`{field}`: expected timestamps, got a bool column", field=field)
    parsed_once = _distinct_parsed(values, field, datetime_format)
    if parsed_once is not None:
        return parsed_once
    if datetime_format is not None:
        parsed = pd.to_datetime(values, format=datetime_format, errors="coerce", utc=True)
    else:
        parsed = _iso8601(values)
    bad = _convert.first_true((parsed.isna() & values.notna()).to_numpy())
    if bad is not None:
        expected = f"format {datetime_format!r}" if datetime_format else "an ISO 8601 date or datetime"
        raise InvalidValueError(
            f"`{field}`[{bad}]: cannot parse {values.iloc[bad]!r} as a timestamp (expected {expected}; "
            "dates outside 1677-09-21..2262-04-11 need a datetime64[s] column)",
            field=field,
            index=bad,
        )
    parsed = parsed.dt.tz_convert(None)
    return _timestamps(parsed, field, None, None)


def _distinct_parsed(values: pd.Series, field: str, datetime_format: Optional[str]) -> Optional[tuple[np.ndarray, str]]:
    """Text timestamps parsed once per distinct value (logs repeat their dates: parsing is most
    of a summary's time otherwise). ``None`` when few values repeat, or when one does not parse:
    the caller then parses the whole column, which names the offending row."""
    codes, uniques = pd.factorize(values)
    if len(uniques) > len(values) // 2:
        return None
    try:
        ts, unit = _timestamps(pd.Series(np.asarray(uniques, dtype=object), dtype=object), field, datetime_format, None)
    except CvmError:
        return None
    return np.append(ts, _MISSING)[codes], unit  # code -1 (missing) → the missing marker


# ISO 8601 dates and datetimes: 2024-01-31, 2024-01-31T12:00, 2024-01-31 12:00:00.5+01:00, …Z.
_ISO8601 = re.compile(
    r"\s*[+-]?\d{4,}-\d{2}-\d{2}"
    r"(?:[T ]\d{2}(?::\d{2}(?::\d{2}(?:[.,]\d+)?)?)?)?"
    r"(?:\s*(?:Z|[+-]\d{2}(?::?\d{2})?))?\s*"
)
_PANDAS_ISO8601 = int(pd.__version__.split(".")[0]) >= 2


def _iso8601(values: pd.Series) -> pd.Series:
    """Text → UTC timestamps, ISO 8601 only (anything else → NaT, reported by the caller).

    pandas >= 2 has ``format="ISO8601"``; pandas 1.5 would guess other formats (``01/02/2024``
    month first), so there the strings are checked against ISO 8601 before parsing."""
    if _PANDAS_ISO8601:
        return pd.to_datetime(values, format="ISO8601", errors="coerce", utc=True)
    iso = values.map(lambda v: not isinstance(v, str) or _ISO8601.fullmatch(v) is not None)
    kept = values.where(iso.astype(bool), None)
    return pd.to_datetime(kept, errors="coerce", utc=True)


def _integers(values: pd.Series, field: str) -> np.ndarray:
    """Whole numbers → int64 (missing → the missing marker); a fraction or overflow is an error."""
    if values.dtype.kind == "f":
        f = values.to_numpy(dtype=np.float64, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            bad = _convert.first_true(~np.isnan(f) & ((f != np.floor(f)) | (np.abs(f) >= 2.0**63)))
        if bad is not None:
            raise InvalidValueError(
                f"`{field}`[{bad}]: expected a whole-number timestamp, got {f[bad]!r}", field=field, index=bad
            )
        return _convert.carray(np.where(np.isnan(f), _MISSING, f).astype(np.int64))
    if values.dtype.kind == "u":
        raw = values.to_numpy(dtype=np.uint64, na_value=0)
        bad = _convert.first_true(raw > np.uint64(np.iinfo(np.int64).max))
        if bad is not None:
            raise InvalidValueError(
                f"`{field}`[{bad}]: timestamp {int(raw[bad])} does not fit in int64", field=field, index=bad
            )
    return _convert.carray(values.to_numpy(dtype=np.int64, na_value=_MISSING))


def _end(
    value: Any, field: str, unit: str, datetime_format: Optional[str], timestamp_unit: Optional[str]
) -> Optional[int]:
    """An observation/calibration end → int64 in the column's unit (the same rules as the column)."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        raise InvalidValueError(f"`{field}`: expected a date, got {value!r}", field=field)
    if isinstance(value, (int, np.integer)):
        if timestamp_unit is not None:
            v = int(value)
            if not -(2**63) < v < 2**63:
                raise InvalidValueError(f"`{field}`: {v} does not fit in int64", field=field)
            return v
        if datetime_format is None:
            raise InvalidValueError(
                f"`{field}`: the integer {value!r} needs its unit: pass timestamp_unit= or "
                "datetime_format= (e.g. '%Y%m%d'), or give a date string or datetime",
                field=field,
            )
        value = str(value)
    try:
        if isinstance(value, str) and datetime_format is not None:
            ts = pd.to_datetime(value, format=datetime_format)
        else:
            ts = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError) as exc:
        raise InvalidValueError(f"`{field}`: cannot parse {value!r} as a timestamp ({exc})", field=field) from exc
    if ts is pd.NaT:
        raise InvalidValueError(f"`{field}`: missing timestamp", field=field)
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    raw = ts.to_datetime64()
    own = np.datetime_data(raw.dtype)[0]
    v = int(raw.astype(np.int64)) * _NS_PER[own] // _NS_PER[unit]
    if not -(2**63) < v < 2**63:
        raise InvalidValueError(
            f"`{field}`: {ts} is outside the dates a {unit!r} column can hold", field=field
        )
    return v


def _amounts(values: pd.Series, field: str) -> np.ndarray:
    """Amounts → float64; a non-numeric value is an error naming its row and value."""
    if values.dtype.kind == "b":
        raise InvalidValueError(f"`{field}`: expected numeric amounts, got a bool column", field=field)
    if values.dtype.kind in "iuf":
        return _convert.floats(values, field)
    coerced = pd.to_numeric(values, errors="coerce")
    bad = _convert.first_true((coerced.isna() & values.notna()).to_numpy())
    if bad is not None:
        raise InvalidValueError(
            f"`{field}`[{bad}]: expected a number, got {values.iloc[bad]!r}", field=field, index=bad
        )
    return _convert.floats(coerced, field)


def _columns(summary: Any, frequency=None, recency=None, T=None):
    if summary is not None:
        summary = _convert.frame(summary, "summary")  # polars is converted column by column
        return (
            _convert.floats(_convert.get(summary, "frequency"), "frequency"),
            _convert.floats(_convert.get(summary, "recency"), "recency"),
            _convert.floats(_convert.get(summary, "T"), "T"),
            summary.index,
        )
    cols, _ = _convert.align({"frequency": frequency, "recency": recency, "T": T})  # by label
    return (
        _convert.floats(cols["frequency"], "frequency"),
        _convert.floats(cols["recency"], "recency"),
        _convert.floats(cols["T"], "T"),
        None,
    )


def compress(summary: Any = None, *, frequency=None, recency=None, T=None):
    """Collapse identical ``(frequency, recency, T)`` rows into unique rows with weights.

    Parameters
    ----------
    summary : pandas.DataFrame, optional
        A customer summary; or give ``frequency``, ``recency``, ``T`` arrays.

    Returns
    -------
    (pandas.DataFrame, numpy.ndarray)
        The unique rows (columns ``frequency``, ``recency``, ``T``, ``weight``; sorted) and, for
        each original row, the position of its unique row: ``unique.iloc[inverse]`` gives the
        original rows back.

    Examples
    --------
    >>> import cvm
    >>> unique, inverse = cvm.compress(frequency=[0, 2, 0], recency=[0, 5, 0], T=[10, 10, 10])
    >>> unique["weight"].tolist(), inverse.tolist()
    ([2, 1], [0, 1, 0])
    """
    f, r, t, _ = _columns(summary, frequency, recency, T)
    out = _cvm.compress(f, r, t)
    inverse = out.pop("inverse").astype(np.intp)
    return pd.DataFrame(out), inverse


def default_segment_table() -> list[dict]:
    """The default RFM segment rules (first match wins), as a list of dicts.

    Each rule is ``{"name": str, "recency": [lo, hi], "frequency_monetary": [lo, hi]}`` with
    inclusive score ranges 1–5. Modify and pass to :func:`rfm_segments` as ``table``.
    """
    return json.loads(_cvm.default_segment_table_json())["rules"]


@_output.tables
def rfm_segments(summary: pd.DataFrame, table: Optional[list[dict]] = None, *, output: str = "pandas") -> pd.DataFrame:
    """RFM quintile scores (1–5) and named segments.

    Scores are quintiles of the mid-rank percentile (ties share a score). Recency is scored on
    the time since the last purchase, ``T − recency`` (recent = 5). The segment depends on the
    recency score R and FM = the frequency score, or ``ceil((F + M) / 2)`` when the summary has
    ``monetary_value``; rules are tried in order (see :func:`default_segment_table`).

    Parameters
    ----------
    summary : pandas.DataFrame
        A customer summary with ``frequency``, ``recency``, ``T`` (and optionally
        ``monetary_value``).
    table : list of dict, optional
        Segment rules; every (R, FM) cell must match one, else :class:`InvalidValueError`.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``summary``: ``r_score``, ``f_score``, [``m_score``], ``fm_score`` and
        ``segment`` (categorical).

    Examples
    --------
    >>> import cvm
    >>> seg = cvm.rfm_segments(cvm.datasets.load_cdnow_summary())
    >>> int(seg["segment"].value_counts().sum())
    2357
    """
    summary = _convert.frame(summary, "summary")
    f, r, t, index = _columns(summary)
    m = None
    if "monetary_value" in summary.columns:
        m = _convert.floats(summary["monetary_value"], "monetary_value")
    table_json = None if table is None else json.dumps({"rules": table})
    out = _cvm.rfm_segments(f, r, t, m, table_json)
    names = out.pop("names")
    segment = _convert.categorical(out.pop("segment"), names)
    frame = pd.DataFrame(out, index=index)
    frame["segment"] = segment
    return frame
