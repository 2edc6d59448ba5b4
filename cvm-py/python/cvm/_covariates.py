"""Covariates at the pandas edge (no model logic here): covariate tables aligned to the customers
of a summary by index (customer id), and their columns converted for the core — numeric columns
(int, float, bool) as float64, categorical ones (``category``, ``object``, ``string``) as codes
with their levels.

Alignment: a pandas covariate table is matched to the summary's index label by label (its rows
may be in any order; extra rows are ignored); a customer of the summary without a row, or a
customer id repeated in the covariates, is an :class:`InvalidValueError` naming the id. A table
without row labels (polars, pyarrow), or covariates of a summary given as plain arrays, is taken
row by row (one row per customer).
"""

from __future__ import annotations

import contextlib
import json
from typing import Any, Iterable, Iterator, NamedTuple, Optional

import numpy as np
import pandas as pd

from . import _convert
from .exceptions import InvalidValueError

#: The Python argument of each process and the core's name for its covariates (errors name both).
ARGUMENTS = {
    "transaction_covariates": "trans_covariates",
    "lifetime_covariates": "life_covariates",
    "spend_covariates": "spend_covariates",
}

# One column for the core: (name, float64 values) or (name, int64 codes, levels, reference).
Column = tuple


def _frame(z: Any, field: str) -> tuple[pd.DataFrame, bool]:
    """``z`` as a pandas DataFrame, and whether it has row labels to align by."""
    if isinstance(z, pd.Series):
        if z.name is None:
            raise InvalidValueError(
                f"`{field}`: a Series needs a name (the covariate column's); use series.rename('name')",
                field=field,
            )
        return z.to_frame(), True
    if isinstance(z, pd.DataFrame):
        return z, True
    return _convert.frame(z, field), False


def _label(value: Any) -> Any:
    """An index label as Python shows it (``17``, not ``np.int64(17)``)."""
    return value.item() if isinstance(value, np.generic) else value


def _aligned(z: pd.DataFrame, index: pd.Index, field: str) -> pd.DataFrame:
    """The rows of ``z`` for the customers of ``index``, by label."""
    labels = z.index
    if labels.has_duplicates:
        pos = int(np.flatnonzero(np.asarray(labels.duplicated()))[0])
        raise InvalidValueError(
            f"`{field}`[{pos}]: customer id {_label(labels[pos])!r} appears more than once "
            "(covariates are matched to the summary by its index, one row per customer)",
            field=field,
            index=pos,
        )
    if labels.equals(index):
        return z
    rows = labels.get_indexer(index)
    missing = _convert.first_true(rows < 0)
    if missing is not None:
        raise InvalidValueError(
            f"`{field}`: customer id {_label(index[missing])!r} (row {missing} of the summary) has no row "
            "(covariates are matched to the summary by its index)",
            field=field,
            index=missing,
        )
    return z.iloc[rows]


def _column(name: str, values: pd.Series, field: str) -> Column:
    """One column for the core."""
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        codes = _convert.carray(values.cat.codes, dtype=np.int64)
        levels = [str(c) for c in dtype.categories]
        # pandas' order of the categories: the first one present is the reference level.
        present = codes[codes >= 0]
        reference = levels[int(present.min())] if len(present) else None
        return (name, codes, levels, reference)
    if dtype == object or isinstance(dtype, pd.StringDtype) or getattr(dtype, "kind", "") in ("O", "U", "S"):
        codes, uniques = pd.factorize(values, sort=True)
        return (name, _convert.carray(codes, dtype=np.int64), [str(u) for u in uniques], None)
    return (name, _convert.floats(values, f"{field}.{name}"))


def columns(z: Any, index: Optional[pd.Index], n: int, field: str) -> Optional[list]:
    """The covariates ``z`` (DataFrame, Series, polars/pyarrow table or ``None``) as columns for the
    core, one value per customer in the order of ``index`` (the summary's; ``None`` when the
    summary has no row labels: then row by row)."""
    if z is None:
        return None
    df, labelled = _frame(z, field)
    if labelled and index is not None:
        df = _aligned(df, index, field)
    elif len(df) != n:
        from .exceptions import LengthMismatchError

        err = LengthMismatchError(f"`{field}`: {len(df)} rows, expected {n} (one per customer)", field=field)
        err.expected, err.got = n, len(df)
        raise err
    if len(df.columns) == 0:
        raise InvalidValueError(f"`{field}`: no columns", field=field)
    return [_column(str(c), df[c], field) for c in df.columns]


def is_document(text: str) -> bool:
    """Whether a model document is a covariate model's (it has a ``covariates`` section)."""
    try:
        doc = json.loads(text)
    except ValueError:
        return False
    return isinstance(doc, dict) and "covariates" in doc


def not_fitted_with(method: str) -> InvalidValueError:
    """The error for a plain method called on a model fitted with covariates."""
    return InvalidValueError(
        f"`model`: {method} is not available for a model fitted with covariates "
        "(available: probability_alive, expected_purchases, predict, probability_of_n_purchases, "
        "log_likelihood_individual, customer_params, likelihood_ratio_test)",
        field="model",
    )


def plain_model_given(field: str) -> InvalidValueError:
    """The error for covariates given to a model fitted without them."""
    return InvalidValueError(
        f"`{field}`: the model was fitted without covariates; fit it with `{field}=` to use them",
        field=field,
    )


class LikelihoodRatioTest(NamedTuple):
    """The likelihood-ratio test of a model fitted with covariates against the plain model fitted
    on the same customers (the null: every coefficient 0): ``statistic = 2 (LL − LL₀)`` against
    χ² with ``df`` (the number of coefficients) degrees of freedom, ``p_value = P(χ²_df ≥
    statistic)``. Meaningful without penalty (``l2=0``)."""

    statistic: float
    df: int
    p_value: float


def process_columns(native: Any) -> dict[str, list[str]]:
    """The covariate columns of each process of a native covariate model, by the Python
    argument (``transaction_covariates``, …)."""
    by_prefix = {v.split("_")[0]: k for k, v in ARGUMENTS.items()}
    return {by_prefix[p]: list(cols) for p, cols in native.columns}


#: The native keyword of each process's covariates.
_NATIVE = {"transaction_covariates": "transaction", "lifetime_covariates": "lifetime", "spend_covariates": "spend"}


def native_args(index: Optional[pd.Index], n: int, **given: Any) -> dict:
    """The native keyword arguments (``transaction=``, ``lifetime=``, ``spend=``) of the covariates
    given by their Python argument, aligned to the ``n`` customers of ``index``."""
    return {_NATIVE[field]: columns(z, index, n, field) for field, z in given.items()}


def for_model(model: Any, index: Optional[pd.Index], n: int, **given: Any) -> Optional[dict]:
    """:func:`native_args` for a model fitted with covariates; ``None`` for a plain model, which
    must not be given any (an :class:`InvalidValueError` naming the argument)."""
    if model._covariate:
        return native_args(index, n, **given)
    for field, z in given.items():
        if z is not None:
            raise plain_model_given(field)
    return None


@contextlib.contextmanager
def errors_named(index: Optional[pd.Index], rows: Iterable[str], args: Optional[dict]) -> Iterator[None]:
    """Core errors in the user's words: the Python argument of each process's covariates, and the
    index label of an offending row of the customer columns or of a covariate column."""
    names = [c[0] for cols in (args or {}).values() if cols for c in cols]
    renamed = {v: k for k, v in ARGUMENTS.items()}
    with _convert.fields_renamed(renamed), _convert.rows_labelled(index, (*rows, *names)):
        yield


def check_no_options(l2: Any, shared: Any) -> None:
    """Covariate options without covariates are an error naming them."""
    if (l2 is not None and _convert.number(l2, "l2") != 0.0) or (shared is not None and len(names(shared, "shared"))):
        field = "l2" if l2 else "shared"
        raise InvalidValueError(
            f"`{field}`: applies to covariate coefficients; give `transaction_covariates` or "
            "`lifetime_covariates` (or `spend_covariates`)",
            field=field,
        )


def check_fit(**given: Any) -> None:
    """Plain-fit arguments that a covariate fit cannot take (``weights``: covariates defeat the
    compression of identical rows; ``initial``: the fit starts from the plain model's)."""
    for field, value in given.items():
        if value is not None:
            raise InvalidValueError(f"`{field}`: not available in a fit with covariates", field=field)


def names(values: Any, field: str) -> list[str]:
    """A column name or a sequence of them → list of str."""
    if values is None:
        return []
    if isinstance(values, str):
        return [values]
    out = list(values)
    bad = next((v for v in out if not isinstance(v, str)), None)
    if bad is not None:
        raise InvalidValueError(f"`{field}`: expected column names, got {bad!r}", field=field)
    return out


def rows_of(*tables: Any) -> tuple[Optional[pd.Index], int]:
    """The customers of covariates given without a summary: the row labels (``None`` without
    them) and the number of rows of the first table given (0 when none is: the core then names
    the covariates the model needs)."""
    z = next((t for t in tables if t is not None), None)
    if z is None:
        return None, 0
    df, labelled = _frame(z, "covariates")
    return (df.index if labelled else None), len(df)


def customer_params(model: Any, **given: Any) -> pd.DataFrame:
    """Each customer's parameters (the papers' names) from the customer's covariates, indexed like
    the first covariates given."""
    if not model._covariate:
        raise InvalidValueError("`model`: customer parameters need a model fitted with covariates", field="model")
    index, n = rows_of(*given.values())
    args = native_args(index, n, **given)
    with errors_named(index, (), args):
        rows = model._fitted.customer_params(n, **args)
    return pd.DataFrame(rows, index=index, columns=list(model._param_names))


_ROWS_KEY = "\x00rows"  # the rows of a chunk (no core field is named so)


def chunked(progress: bool, columns: dict, args: dict, work: Any, desc: str) -> Any:
    """``work(customer columns, covariate args)`` with a bar (``progress``) over row chunks of the
    customers and of their covariates (see :func:`cvm._progress.run`: an error in a chunk names
    its row in the whole input, for a covariate column too); the chunks' results joined."""
    from . import _progress

    n = len(next(iter(columns.values())))
    extra = {c[0]: c[1] for cols in args.values() if cols for c in cols if c[0] not in columns}
    flat = {**columns, **extra, _ROWS_KEY: np.arange(n)}

    def one(c: dict) -> Any:
        rows = c.pop(_ROWS_KEY)
        if len(rows) in (0, n):
            return work(c, args)
        part = slice(int(rows[0]), int(rows[-1]) + 1)
        sliced = {k: None if cols is None else [(col[0], col[1][part], *col[2:]) for col in cols]
                  for k, cols in args.items()}
        return work(c, sliced)

    return _progress.concat(_progress.run(progress, flat, one, desc=desc))
