"""Conversions at the pandas/numpy edge (no model logic here)."""

from __future__ import annotations

import contextlib
from typing import Any, Iterator, Mapping, Optional

import numpy as np
import pandas as pd

from .exceptions import InvalidValueError


def is_polars(obj: Any) -> bool:
    return type(obj).__module__.split(".")[0] == "polars"


def column(df: Any, name: str) -> pd.Series:
    """A column of a pandas or polars DataFrame as a pandas Series (positional index)."""
    if is_polars(df):
        if name not in df.columns:
            raise InvalidValueError(f"`{name}`: no such column", field=name)
        return pd.Series(df.get_column(name).to_numpy(), name=name)
    if name not in df.columns:
        raise InvalidValueError(f"`{name}`: no such column", field=name)
    return df[name].reset_index(drop=True)


def text(values: Any, index: Any = None) -> pd.Series:
    """Text out of the core → an ``object`` Series with None for missing, on every pandas.

    pandas 3 infers its ``str`` dtype from an object array of strings and turns None into NaN;
    cvm keeps text columns ``object`` with None so they look the same on pandas 1.5, 2.x and 3.x
    (docs/python-stacks.md).
    """
    arr = np.empty(len(values), dtype=object)
    arr[:] = list(values)
    return pd.Series(arr, index=index, dtype=object)


def first_true(mask: np.ndarray) -> int | None:
    idx = np.flatnonzero(mask)
    return int(idx[0]) if idx.size else None


def ids_to_int64(ids: pd.Series, field: str) -> tuple[np.ndarray, Any]:
    """Customer ids → int64 codes (zero-copy for int64 columns) and the labels to map them back."""
    bad = first_true(ids.isna().to_numpy())
    if bad is not None:
        raise InvalidValueError(f"`{field}`[{bad}]: missing customer id", field=field, index=bad)
    values = ids.to_numpy()
    if values.dtype.kind in "iu" and values.dtype != np.uint64:
        return np.ascontiguousarray(values, dtype=np.int64), None
    codes, uniques = pd.factorize(ids, sort=True)
    return codes.astype(np.int64, copy=False), uniques


def timestamps_ns(values: pd.Series, field: str) -> np.ndarray:
    """Timestamps → int64 nanoseconds since the epoch (UTC); missing → NaT, rejected by the core."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert("UTC").dt.tz_localize(None)
    if values.dtype.kind != "M":
        parsed = pd.to_datetime(values, errors="coerce")
        bad = first_true((parsed.isna() & values.notna()).to_numpy())
        if bad is not None:
            raise InvalidValueError(
                f"`{field}`[{bad}]: cannot parse {values.iloc[bad]!r} as a timestamp",
                field=field,
                index=bad,
            )
        values = parsed
    return np.ascontiguousarray(values.to_numpy().astype("datetime64[ns]").view(np.int64))


def timestamp_ns(value: Any, field: str) -> int | None:
    """One timestamp (str, date, datetime, Timestamp) → int64 ns, or None."""
    if value is None:
        return None
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise InvalidValueError(f"`{field}`: cannot parse {value!r} as a timestamp", field=field) from exc
    if ts is pd.NaT:
        raise InvalidValueError(f"`{field}`: missing timestamp", field=field)
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return int(ts.value)  # nanoseconds in every pandas version


def floats(values: Any, field: str) -> np.ndarray:
    """Any 1-D array-like → contiguous float64 (no copy when it already is)."""
    if isinstance(values, (pd.Series, pd.Index)):
        values = values.to_numpy(dtype=np.float64, na_value=np.nan)
    arr = np.ascontiguousarray(values, dtype=np.float64)
    if arr.ndim != 1:
        raise InvalidValueError(f"`{field}`: expected a 1-D array, got {arr.ndim} dimensions", field=field)
    return arr


@contextlib.contextmanager
def fields_renamed(names: Mapping[str, Optional[str]]) -> Iterator[None]:
    """Re-labels core field names (``datetime``, ...) with the user's column names in errors."""
    from .exceptions import CvmError

    try:
        yield
    except CvmError as exc:
        new = names.get(exc.field or "")
        if new and new != exc.field:
            msg = str(exc).replace(f"`{exc.field}`", f"`{new}`", 1)
            exc.args = (msg,)
            exc.field = new
        raise
