"""``output="polars"``: the functions that return a table return pandas by default and a polars
DataFrame on request. The conversion is column by column (no pyarrow needed); a labelled pandas
index becomes the first column (named after the index, else ``index``), a positional one is
dropped; categorical columns stay categorical, text keeps its missing values as nulls."""

from __future__ import annotations

import functools
import inspect
from typing import Any, Callable, TypeVar

import pandas as pd

from ._convert import _is_positional
from .exceptions import UnknownNameError

F = TypeVar("F", bound=Callable[..., Any])
OUTPUTS = ("pandas", "polars")


def to_polars(df: pd.DataFrame) -> Any:
    """``df`` as a polars DataFrame (see the module)."""
    try:
        import polars as pl
    except ImportError as e:  # pragma: no cover - exercised on a stack without polars
        raise ImportError("output='polars' needs polars: pip install polars") from e
    cols = []
    if not _is_positional(df.index):
        name = df.index.name if df.index.name is not None else "index"
        cols.append(_series(pl, str(name), df.index.to_series()))
    for name, s in df.items():
        cols.append(_series(pl, str(name), s))
    out = pl.DataFrame(cols)
    return out


def _series(pl: Any, name: str, s: pd.Series) -> Any:
    if isinstance(s.dtype, pd.CategoricalDtype):
        values = [None if pd.isna(v) else str(v) for v in s.tolist()]
        return pl.Series(name, values, dtype=pl.Categorical)
    if s.dtype == object or pd.api.types.is_extension_array_dtype(s.dtype):
        return pl.Series(name, [None if v is None or (isinstance(v, float) and v != v) else v for v in s.tolist()])
    return pl.Series(name, s.to_numpy())


def tables(func: F) -> F:
    """Handles the keyword ``output`` (``"pandas"``, the default, or ``"polars"``) of a function
    that returns a pandas DataFrame. The function declares ``output: str = "pandas"`` itself, so
    that its signature (and type checkers) show it; it never sees the value: the wrapper checks
    it, calls the function and converts the table. (A function that does not declare it gets it
    added to its runtime signature, but type checkers will not know it.)"""
    sig = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(*args: Any, output: str = "pandas", **kwargs: Any) -> Any:
        if output not in OUTPUTS:
            err = UnknownNameError(f"`output`: unknown value {output!r}; valid values are pandas, polars",
                                   field="output")
            err.value, err.valid = str(output), list(OUTPUTS)
            raise err
        result = func(*args, **kwargs)
        return to_polars(result) if output == "polars" else result

    if "output" not in sig.parameters:
        param = inspect.Parameter("output", inspect.Parameter.KEYWORD_ONLY, default="pandas", annotation="str")
        wrapper.__signature__ = sig.replace(parameters=[*sig.parameters.values(), param])  # type: ignore[attr-defined]
    wrapper.__doc__ = (func.__doc__ or "").rstrip() + (
        '\n\n    ``output="polars"`` returns the table as a polars DataFrame (the index, when labelled, '
        "as its first column; the annotations say pandas, the default).\n"
    )
    return wrapper  # type: ignore[return-value]
