"""Conversions at the pandas/numpy edge (no model logic here).

Every error raised here names the argument or column (``field``), the row (``index``, a
position; the message adds the index label when it is not the position), what was expected and
what was given.
"""

from __future__ import annotations

import contextlib
import gc
from typing import Any, Iterable, Iterator, Mapping, Optional

import numpy as np
import pandas as pd

from .exceptions import (
    InvalidTypeError,
    InvalidValueError,
    LengthMismatchError,
    MissingColumnError,
)


def is_polars(obj: Any) -> bool:
    return type(obj).__module__.split(".")[0] == "polars"


def is_arrow(obj: Any) -> bool:
    return type(obj).__module__.split(".")[0] == "pyarrow"


def is_table(obj: Any) -> bool:
    """A table (not a column): a pandas DataFrame, a polars DataFrame or LazyFrame, a pyarrow
    Table."""
    if isinstance(obj, pd.DataFrame):
        return True
    if is_polars(obj):
        return hasattr(obj, "collect_schema") or hasattr(obj, "get_column")
    return is_arrow(obj) and hasattr(obj, "column_names")


def is_arrow_table(obj: Any) -> bool:
    """A pyarrow Table (not a pandas or polars frame, not a column)."""
    return is_arrow(obj) and is_table(obj)


def type_name(obj: Any) -> str:
    """``pandas.DataFrame``, ``polars.DataFrame``, ``list``…: the type as a user would name it."""
    cls = type(obj)
    module = cls.__module__.split(".")[0]
    return cls.__name__ if module == "builtins" else f"{module}.{cls.__name__}"


def _column_list(columns: Iterable[Any]) -> str:
    names = [repr(c) for c in columns]
    if not names:
        return "no columns"
    shown = ", ".join(names[:20])
    tail = f", … ({len(names)} in all)" if len(names) > 20 else ""
    return f"columns {shown}{tail}"


def missing_column(name: str, columns: Iterable[Any], table: str = "the data") -> MissingColumnError:
    """The error for a column ``name`` that ``table`` lacks, listing the columns it has."""
    columns = list(columns)
    err = MissingColumnError(f"`{name}`: no such column; {table} has {_column_list(columns)}", field=name)
    err.columns = columns
    return err


def frame(df: Any, field: str) -> pd.DataFrame:
    """A pandas DataFrame as given; a polars DataFrame or LazyFrame (collected) or a pyarrow Table
    converted column by column (a positional index: neither has row labels); anything else is an
    :class:`InvalidTypeError` naming ``field``."""
    if isinstance(df, pd.DataFrame):
        return df
    if is_table(df):
        if is_polars(df) and not hasattr(df, "get_column"):
            df = df.collect()
        get_column = df.get_column if is_polars(df) else df.column
        names = df.columns if is_polars(df) else df.column_names
        return pd.DataFrame({name: get_column(name).to_numpy() for name in names})
    raise InvalidTypeError(
        f"`{field}`: expected a pandas, polars or pyarrow table, got {type_name(df)}",
        field=field,
    )


def get(df: pd.DataFrame, name: str, table: str = "the summary") -> pd.Series:
    """``df[name]``, or a :class:`MissingColumnError` (also a KeyError) listing the columns."""
    if name not in df.columns:
        raise missing_column(name, df.columns, table)
    col = df[name]
    if isinstance(col, pd.DataFrame):
        raise InvalidValueError(f"`{name}`: duplicate column name in {table}", field=name)
    return col


def column(df: Any, name: str) -> pd.Series:
    """A column of a pandas or polars DataFrame as a pandas Series (positional index)."""
    if is_table(df) and not isinstance(df, pd.DataFrame) and not (is_polars(df) and hasattr(df, "get_column")):
        df = frame(df, "data")
    if is_polars(df):
        if name not in df.columns:
            raise missing_column(name, df.columns)
        return pd.Series(df.get_column(name).to_numpy(), name=name)
    if name not in df.columns:
        raise missing_column(name, df.columns)
    return df[name].reset_index(drop=True)


def text_column(values: Any, index: Any = None) -> pd.Series:
    """Text out of the core → an ``object`` Series with None for missing, on every pandas.

    pandas 3 infers its ``str`` dtype from an object array of strings and turns None into NaN;
    cvm keeps text columns ``object`` with None so they look the same on pandas 1.5, 2.x and 3.x
    (docs/python-stacks.md).
    """
    if isinstance(values, np.ndarray) and values.dtype == object and values.ndim == 1:
        arr = values.copy()  # a pointer copy: the caller's array stays its own
    else:
        arr = _object_table(values if isinstance(values, list) else list(values))
    return _object_series(arr, index)


def coded_text(coded: Any, index: Any = None) -> pd.Series:
    """A text column out of the core as ``(codes, texts)`` (row ``i`` reads ``texts[codes[i]]``,
    each distinct text one ``str``) → an ``object`` Series as :func:`text_column`'s."""
    codes, texts = coded
    table = _object_table(texts)
    # The texts come in the order of the rows that first use them: as many as rows, row i's is i.
    return _object_series(table if len(texts) == len(codes) else table[codes], index)


def indexed_text(codes: Any, texts: Any, index: Any = None) -> pd.Series:
    """Row ``i`` reads ``texts[codes[i]]`` → an ``object`` Series as :func:`text_column`'s (one
    ``str`` a text, shared by its rows)."""
    return _object_series(_object_table(texts)[codes], index)


def named_codes(codes: Any, names: Any, index: Any = None) -> pd.Series:
    """Codes out of the core (0 for none, else 1 + the place in ``names``) → an ``object`` Series
    of the names with None, as :func:`text_column`'s (one ``str`` a name, shared by its rows)."""
    return _object_series(_object_table(names, lead=1)[codes], index)


def _object_table(texts: Any, lead: int = 0) -> np.ndarray:
    """An ``object`` array of ``lead`` Nones then ``texts`` (numpy keeps each ``str`` as given)."""
    table = np.empty(lead + len(texts), dtype=object)
    table[lead:] = texts
    return table


def _object_series(arr: np.ndarray, index: Any) -> pd.Series:
    """A Series over ``arr``, an ``object`` array of its own (not copied; pandas 3 does not infer
    ``str`` from an explicit ``object`` dtype)."""
    return pd.Series(arr, index=index, dtype=object, copy=False)


def categorical(codes: np.ndarray, names: Any, ordered: bool = False) -> pd.Categorical:
    """Codes out of the core (each below ``len(names)``) → a Categorical of ``names``, the codes
    cast once to the integer type pandas keeps for that many categories (``int8`` below 127): no
    wider copy for pandas to check and narrow again."""
    dtype = pd.CategoricalDtype(names, ordered=ordered)
    k = len(dtype.categories)
    width = np.int8 if k < 127 else np.int16 if k < 32767 else np.int32 if k < 2**31 - 1 else np.int64
    return pd.Categorical.from_codes(codes.astype(width, copy=False), dtype=dtype)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The interpreter's cyclic collector off while a result of many lists is built (lists of
    texts hold no cycles; a million of them set off collections that cost as much as building
    them), back on after (when it was on)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def fitted_model(obj: Any, kinds: Iterable[type], field: str = "model") -> Any:
    """``obj`` if it is a fitted model of one of ``kinds``; else an InvalidTypeError naming them
    (an unfitted one raises the model's own InvalidValueError)."""
    kinds = tuple(kinds)
    if not isinstance(obj, kinds):
        names = ", ".join(k.__name__ for k in kinds)
        raise InvalidTypeError(f"`{field}`: expected a fitted {names} model, got {type_name(obj)}", field=field)
    getattr(obj, "_fitted")  # an unfitted model raises its own error here
    return obj


def positive_whole(value: Any, field: str, limit: int) -> int:
    """A whole number in 1..=limit (bounded work), else an InvalidValueError naming ``field``."""
    n = whole(value, field)
    if not 1 <= n <= limit:
        raise InvalidValueError(f"`{field}`: expected a whole number between 1 and {limit:,}, got {value!r}",
                                field=field)
    return n


def shaped(values: np.ndarray, index: Optional[pd.Index], *inputs: Any) -> Any:
    """Per-customer results shaped like the inputs: a Python float when every input is a scalar,
    a Series on ``index`` when the inputs were labelled (pandas), else the array."""
    if index is None and inputs and all(np.ndim(x) == 0 for x in inputs):
        return float(values[0])
    return pd.Series(values, index=index) if index is not None else values


def carray(values: Any, dtype: Any = None) -> np.ndarray:
    """``values`` as a C-contiguous, aligned array of ``dtype`` (what the native module reads in
    place), without a copy when it already is one. ``np.ascontiguousarray`` alone keeps an
    unaligned buffer as it is (a column deserialised from a Dask shuffle or an Arrow buffer at an
    odd offset), which the native module cannot read in place."""
    arr = np.ascontiguousarray(values, dtype=dtype)
    return arr if arr.flags.aligned else arr.copy()


def first_true(mask: np.ndarray) -> int | None:
    idx = np.flatnonzero(mask)
    return int(idx[0]) if idx.size else None


def ids_to_int64(ids: pd.Series, field: str) -> tuple[np.ndarray, Any]:
    """Customer ids → int64 codes (zero-copy for int64 columns) and the labels to map them back."""
    if isinstance(ids.dtype, np.dtype) and ids.dtype.kind in "iu" and ids.dtype != np.uint64:
        # A numpy integer column has no missing values: no scan for them.
        return carray(ids.to_numpy(), dtype=np.int64), None
    bad = first_true(ids.isna().to_numpy())
    if bad is not None:
        raise InvalidValueError(f"`{field}`[{bad}]: missing customer id", field=field, index=bad)
    values = ids.to_numpy()
    if values.dtype.kind in "iu" and values.dtype != np.uint64:
        return carray(values, dtype=np.int64), None
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
    return carray(values.to_numpy().astype("datetime64[ns]").view(np.int64))


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


def _is_positional(index: Optional[pd.Index]) -> bool:
    return index is None or (isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1)


def row_name(index: Optional[pd.Index], pos: int) -> str:
    """``[pos]``, plus the index label when it differs from the position."""
    if index is None or _is_positional(index) or not 0 <= pos < len(index):
        return f"[{pos}]"
    return f"[{pos}] (index label {index[pos]!r})"


def _first_non_number(values: Any) -> tuple[int, Any] | None:
    raw = values.to_numpy(dtype=object) if isinstance(values, (pd.Series, pd.Index)) else values
    for i, v in enumerate(np.asarray(raw, dtype=object).ravel()):
        if v is None or v is pd.NA or v is pd.NaT:
            continue
        try:
            float(v)
        except (TypeError, ValueError):
            return i, v
    return None


def floats(values: Any, field: str) -> np.ndarray:
    """Any 1-D array-like → contiguous float64 (no copy when it already is).

    Missing values (None, NaN, ``pd.NA``) become NaN (the core rejects or accepts them by its
    own rules); a value that is not a number is an :class:`InvalidValueError` naming ``field``
    and the first bad row."""
    if values is None or isinstance(values, (str, bytes)):
        raise InvalidValueError(f"`{field}`: expected an array of numbers, got {values!r}", field=field)
    index = values.index if isinstance(values, pd.Series) else None
    kind = getattr(getattr(values, "dtype", None), "kind", None)
    if kind in ("M", "m") or isinstance(getattr(values, "dtype", None), pd.DatetimeTZDtype):
        # datetimes would silently become nanoseconds: say which unit is meant instead
        raise InvalidValueError(
            f"`{field}`: expected numbers, got values of type {values.dtype} "
            "(convert dates to ages or durations in a time unit first)",
            field=field,
        )
    try:
        if isinstance(values, (pd.Series, pd.Index)):
            # A numpy-backed column converts as it is (its missing values are already NaN);
            # extension arrays (nullable, Arrow) map their missing values to NaN.
            plain = isinstance(values.dtype, np.dtype) and values.dtype.kind in "iuf"
            values = values.to_numpy() if plain else values.to_numpy(dtype=np.float64, na_value=np.nan)
        arr = carray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        bad = _first_non_number(values)
        if bad is None:
            dtype = getattr(values, "dtype", type(values).__name__)
            raise InvalidValueError(f"`{field}`: expected numbers, got values of type {dtype}", field=field) from exc
        pos, value = bad
        raise InvalidValueError(
            f"`{field}`{row_name(index, pos)}: expected a number, got {value!r}", field=field, index=pos
        ) from exc
    if arr.ndim != 1:
        raise InvalidValueError(f"`{field}`: expected a 1-D array, got {arr.ndim} dimensions", field=field)
    return arr


def matrix(x: Any, field: str) -> np.ndarray:
    """A DataFrame or (nested) array-like → float64 array; a non-number names the cell (``index``
    is its flat position, row × columns + column, as in the core's errors)."""
    try:
        if isinstance(x, pd.DataFrame):
            return x.to_numpy(dtype=np.float64, na_value=np.nan)
        return np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raw = x.to_numpy(dtype=object) if isinstance(x, pd.DataFrame) else np.asarray(x, dtype=object)
        if raw.ndim == 0:
            raise InvalidValueError(f"`{field}`: expected numbers, got {x!r}", field=field) from None
        flat = raw.reshape(raw.shape[0], -1) if raw.ndim > 1 else raw.reshape(-1, 1)
        for i, row in enumerate(flat):
            for j, v in enumerate(row):
                try:
                    float(v)
                except (TypeError, ValueError):
                    # the flat position (row × columns + column), as the core counts cells
                    flat_pos = i * flat.shape[1] + j
                    where = f"[{i}]" if raw.ndim == 1 else f"[{flat_pos}] (row {i}, column {j})"
                    raise InvalidValueError(f"`{field}`{where}: expected a number, got {v!r}",
                                            field=field, index=flat_pos) from None
        raise


def number(value: Any, field: str) -> float:
    """A scalar argument → float, or an :class:`InvalidValueError` naming ``field``."""
    if isinstance(value, (str, bytes)) or np.ndim(value) != 0:
        raise InvalidValueError(f"`{field}`: expected a number, got {value!r}", field=field)
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise InvalidValueError(f"`{field}`: expected a number, got {value!r}", field=field) from exc


def text(value: Any, field: str) -> str:
    """A string argument (a name, a JSON document), or an :class:`InvalidTypeError`."""
    if not isinstance(value, str):
        raise InvalidTypeError(f"`{field}`: expected a string, got {type(value).__name__} {value!r}"[:200], field=field)
    return value


def check_numbers(**values: Any) -> None:
    """Each keyword is None or a number, else an error naming it (options passed to the core)."""
    for name, value in values.items():
        if value is not None:
            number(value, name)


def optional_number(value: Any, field: str) -> Optional[float]:
    return None if value is None else number(value, field)


def whole(value: Any, field: str) -> int:
    """A scalar argument that must be a whole number ≥ 0 → int, or an error naming ``field``."""
    x = number(value, field)
    if isinstance(value, (bool, np.bool_)) or not x.is_integer() or x < 0:
        raise InvalidValueError(f"`{field}`: expected a whole number >= 0, got {value!r}", field=field)
    return int(x)


def _reindexed(value: Any, name: str, ref: pd.Index, ref_name: str) -> Any:
    """``value`` (Series/DataFrame) reordered to the labels of ``ref``, or an error naming both
    arguments and the first label that differs."""
    idx = value.index
    for which, labels in ((ref_name, ref), (name, idx)):
        if labels.has_duplicates:
            pos = int(np.flatnonzero(np.asarray(labels.duplicated()))[0])
            raise InvalidValueError(
                f"`{which}`[{pos}]: duplicate index label {labels[pos]!r}; `{name}` and `{ref_name}` "
                "have different indexes and are aligned by label, which needs unique labels",
                field=which,
                index=pos,
            )
    extra = first_true(~np.asarray(idx.isin(ref)))
    if extra is not None:
        raise InvalidValueError(
            f"`{name}`[{extra}]: index label {idx[extra]!r} is not in the index of `{ref_name}` "
            "(pandas inputs are aligned by label)",
            field=name,
            index=extra,
        )
    missing = first_true(~np.asarray(ref.isin(idx)))
    if missing is not None:
        err = LengthMismatchError(
            f"`{name}`: {len(idx)} rows, expected {len(ref)} like `{ref_name}`; index label "
            f"{ref[missing]!r} (`{ref_name}`[{missing}]) is missing (pandas inputs are aligned by label)",
            field=name,
        )
        err.expected, err.got = len(ref), len(idx)
        raise err
    return value.reindex(ref)


def align(inputs: Mapping[str, Any], rows: Optional[Iterable[str]] = None) -> tuple[dict[str, Any], Optional[pd.Index]]:
    """Aligns the pandas inputs of one call by label, as pandas arithmetic would.

    ``inputs`` maps argument names to values; the first pandas Series or DataFrame sets the
    index. Another pandas input with the same index is used as is; with the same labels in
    another order it is reordered to that index; with other labels (or duplicate labels that
    make the reordering ambiguous) it is an error naming both arguments and the first label
    that differs. A plain array-like among the ``rows`` arguments (default: all) must have one
    value per row of the index (combined by position); scalars and ``None`` pass through.

    Returns the inputs (pandas ones aligned) and the index (``None`` without pandas inputs),
    which labels the result.
    """
    names = list(inputs)
    per_row = set(names if rows is None else rows)
    ref_name = next((n for n in names if isinstance(inputs[n], (pd.Series, pd.DataFrame))), None)
    if ref_name is None:
        return dict(inputs), None
    ref = inputs[ref_name].index
    out: dict[str, Any] = {}
    for name in names:
        value = inputs[name]
        if isinstance(value, (pd.Series, pd.DataFrame)):
            if name != ref_name and not value.index.equals(ref):
                value = _reindexed(value, name, ref, ref_name)
        elif value is not None and name in per_row and np.ndim(value) > 0:
            n = len(value)
            if n != len(ref):
                err = LengthMismatchError(
                    f"`{name}`: {n} values, expected {len(ref)} (one per row of `{ref_name}`, "
                    "combined by position)",
                    field=name,
                )
                err.expected, err.got = len(ref), n
                raise err
        out[name] = value
    return out, ref


@contextlib.contextmanager
def rows_labelled(index: Optional[pd.Index], fields: Iterable[str]) -> Iterator[None]:
    """Adds the index label of the offending row to core errors about the ``fields`` inputs."""
    from .exceptions import CvmError

    try:
        yield
    except CvmError as exc:
        if (
            index is not None
            and exc.index is not None
            and exc.field in set(fields)
            and 0 <= exc.index < len(index)
            and not _is_positional(index)
        ):
            exc.args = (f"{exc} (index label {index[exc.index]!r})",)
        raise


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


# -- time units ---------------------------------------------------------------------------------
# A summary records the unit of its recency and T in ``attrs["time_unit"]``; a model records the
# unit of the data it was fitted on (``time_unit_``); CLV reads the data in that unit. These
# helpers only read and compare the recorded names: the spellings come from the core.


def time_unit(value: Any, field: str = "time_unit") -> Optional[str]:
    """``None``, or a time unit's one-letter name (``"D"``, ``"W"``, ``"M"``, ``"Y"``; the core's
    other spellings such as ``"week"`` are accepted). An unknown name is an
    :class:`UnknownNameError` naming ``field`` and listing the valid names; a value that is not
    a string is an :class:`InvalidTypeError`."""
    if value is None:
        return None
    from . import _cvm

    return _cvm.canonical_time_unit(text(value, field), field)


def recorded_time_unit(data: Any, name: str) -> Optional[str]:
    """The unit a pandas object records in ``attrs["time_unit"]`` (``None`` when it records none,
    or is not a pandas object)."""
    if not isinstance(data, (pd.DataFrame, pd.Series)):
        return None
    return time_unit(data.attrs.get("time_unit"), f'{name}.attrs["time_unit"]')


def fit_time_unit(given: Any, **data: Any) -> Optional[str]:
    """The unit a fit records: the one the pandas ``data`` record in ``attrs["time_unit"]``, or
    the ``time_unit`` argument ``given``, or ``None``.

    A ``given`` unit that contradicts the data's, or data that record different units, is an
    :class:`InvalidValueError` naming ``time_unit``, both units and the fix.
    """
    unit = time_unit(given, "time_unit")
    recorded = {}
    for name, value in data.items():
        u = recorded_time_unit(value, name)
        if u is not None:
            recorded[name] = u
    if len(set(recorded.values())) > 1:
        listed = ", ".join(f'{n}.attrs["time_unit"] is {u}' for n, u in recorded.items())
        raise InvalidValueError(
            f"`time_unit`: the inputs record different units ({listed}); pass columns of one summary",
            field="time_unit",
        )
    if not recorded:
        return unit
    (name, data_unit), *_ = recorded.items()
    if unit is not None and unit != data_unit:
        raise InvalidValueError(
            f'`time_unit`: {unit} contradicts the unit the data record ({name}.attrs["time_unit"] is '
            f"{data_unit}); omit time_unit to use {data_unit}, or rebuild the summary in {unit} "
            f'(cvm.summary_from_transactions(..., time_unit="{unit}"))',
            field="time_unit",
        )
    return data_unit


def check_summary_unit(summary: Any, model_unit: Optional[str], field: str = "summary") -> Optional[str]:
    """The unit ``summary`` records (``None`` for none); an :class:`InvalidValueError` naming
    ``field`` when it contradicts ``model_unit``, the unit of the model's data (the summary's
    ages would be read in the wrong unit)."""
    unit = recorded_time_unit(summary, field)
    if unit is not None and model_unit is not None and unit != model_unit:
        raise InvalidValueError(
            f'`{field}`: its recency and T are in {unit} ({field}.attrs["time_unit"]) but the model\'s '
            f"data are in {model_unit}; rebuild the summary in {model_unit}, or refit the model on "
            "this summary",
            field=field,
        )
    return unit
