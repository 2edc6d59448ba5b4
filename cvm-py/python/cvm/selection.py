"""Customer-selection rules: decisions with reasons, relationship trends and look-alikes.

A :class:`SelectionRules` holds weighted criteria, hard rules, a decision table over the score and
a missing-value policy (the JSON document of ``docs/rules.md``). :meth:`SelectionRules.evaluate`
gives each customer of a DataFrame a decision, a score and its reason codes. Ready-made rule sets
live in :mod:`cvm.rules`.
"""

from __future__ import annotations

import json
import re
import warnings
from typing import Any, Mapping, Optional, Sequence

import numpy as np
import pandas as pd

from . import _convert, _cvm
from .exceptions import ConcentrationWarning, InvalidValueError, MissingColumnError

__all__ = ["SelectionRules", "relationship_trend", "lookalike"]


def _bool_codes(s: pd.Series) -> np.ndarray:
    """Booleans (incl. nullable) → 0/1 bytes, 255 for a missing value."""
    missing = s.isna().to_numpy()
    out = s.to_numpy(dtype=bool, na_value=False).astype(np.uint8)
    out[missing] = 255
    return out


def _categorical(s: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Labels → int32 codes (−1 missing) and the category labels as text."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes, cats = s.cat.codes.to_numpy(), s.cat.categories
    else:
        codes, cats = pd.factorize(s, use_na_sentinel=True)
    return _convert.carray(codes, dtype=np.int32), [str(c) for c in cats]


def _columns(df: Any, names: Sequence[str]) -> tuple[list, list, list]:
    """The columns of ``df`` that the core needs, split by kind: numeric → float64 (NaN
    missing), boolean → uint8 (255 missing), labels → categorical codes. Columns ``df`` lacks are
    left out: the core reports them with the JSON path of the rule that reads them."""
    numeric: list = []
    boolean: list = []
    categorical: list = []
    for name in names:
        if name not in df.columns:
            continue
        s = df[name]
        if isinstance(s, pd.DataFrame):
            raise InvalidValueError(f"`{name}`: duplicate column name", field=name)
        dtype = s.dtype
        kind = getattr(dtype, "kind", "O")
        if isinstance(dtype, pd.CategoricalDtype):
            categorical.append((name, *_categorical(s)))
        elif pd.api.types.is_bool_dtype(dtype):
            boolean.append((name, _bool_codes(s)))
        elif kind in "iuf" or pd.api.types.is_numeric_dtype(dtype):
            numeric.append((name, s.to_numpy(dtype=np.float64, na_value=np.nan)))
        elif kind in "OSU" or pd.api.types.is_string_dtype(dtype):
            inferred = pd.api.types.infer_dtype(s, skipna=True)
            if inferred == "boolean":
                boolean.append((name, _bool_codes(s)))
            elif inferred in ("integer", "floating", "mixed-integer-float", "decimal", "empty"):
                numeric.append((name, pd.to_numeric(s).to_numpy(dtype=np.float64, na_value=np.nan)))
            else:
                categorical.append((name, *_categorical(s)))
        else:
            raise InvalidValueError(
                f"`{name}`: columns of type {dtype} cannot be read by rules "
                "(use numbers, booleans or labels)",
                field=name,
            )
    return numeric, boolean, categorical


_DATA_HAS = re.compile(r"; the data has (no )?columns.*$", re.S)


class _unknown_attribute:
    """Rewrites the core's error for an attribute the data lacks: it becomes a
    :class:`cvm.MissingColumnError` (also a KeyError) listing the DataFrame's own columns (the
    core only sees the columns the rules read)."""

    def __init__(self, columns):
        self.columns = list(columns)

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if not isinstance(exc, InvalidValueError) or not (exc.field or "").endswith(".attr"):
            return False
        match = _DATA_HAS.search(str(exc))
        if match is None:
            return False
        msg = str(exc)[: match.start()] + "; the DataFrame has " + _convert._column_list(self.columns)
        err = MissingColumnError(msg, field=exc.field, index=exc.index)
        err.columns = self.columns
        raise err from None


class SelectionRules:
    """A selection rule set: weighted criteria adding up to a score, hard rules that force a
    decision, a decision table over the score and a missing-value policy.

    Build it from the JSON document (:meth:`from_json`, :meth:`from_dict`; schema in
    ``docs/rules.md``) or from a preset (:mod:`cvm.rules`). Immutable; ``==`` compares rules.

    Examples
    --------
    >>> import pandas as pd, cvm
    >>> rules = cvm.SelectionRules.from_dict({
    ...     "version": 1,
    ...     "criteria": [{"name": "profitability", "weight": 1,
    ...                   "condition": {"attr": "margin", "op": ">=", "value": 1000}}],
    ...     "decisions": [{"decision": "target", "min": 1}, {"decision": "maintain", "max": 1}],
    ... })
    >>> df = pd.DataFrame({"margin": [1234.5, 800.0, None]}, index=["a", "b", "c"])
    >>> out = rules.evaluate(df)
    >>> out["decision"].tolist()
    ['target', 'maintain', 'maintain']
    >>> out.loc["b", "reasons"]
    ['profitability:fail(margin=800<1000)']
    >>> out.loc["c", "reasons"]
    ['profitability:missing(margin=NA)']
    """

    __slots__ = ("_inner",)

    def __init__(self, inner: Any):
        if not isinstance(inner, _cvm.RuleSet):
            raise TypeError("use SelectionRules.from_json, from_dict or a cvm.rules preset")
        self._inner = inner

    @classmethod
    def from_json(cls, text: str) -> "SelectionRules":
        """Reads the JSON document.

        Raises
        ------
        SerializationError
            Malformed JSON or an invalid document; ``field`` is the JSON path of the problem
            (``$`` for malformed JSON, ``$.criteria[0].condition.op`` for an unknown operator,
            ``$.decisions[1]`` for overlapping bands, ``$.decisions`` for a gap).
        """
        return cls(_cvm.RuleSet.from_json(_convert.text(text, "text")))

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> "SelectionRules":
        """Reads the document given as a dict (the same schema as :meth:`from_json`)."""
        try:
            text = json.dumps(document, allow_nan=False)
        except ValueError as exc:  # NaN/inf cannot be written in JSON
            from .exceptions import SerializationError

            raise SerializationError(f"`$`: {exc}", field="$") from exc
        return cls.from_json(text)

    def to_json(self) -> str:
        """The versioned JSON document; :meth:`from_json` reads it back identical."""
        return self._inner.to_json()

    def to_dict(self) -> dict:
        """The document as a dict."""
        return json.loads(self.to_json())

    def __reduce__(self) -> tuple:
        # Pickles (and deep-copies) through the JSON document, so rules travel to Dask and Spark
        # workers and into joblib caches.
        return (SelectionRules.from_json, (self.to_json(),))

    @property
    def name(self) -> Optional[str]:
        """The rule set's name, if any."""
        return self._inner.name

    @property
    def attributes(self) -> list[str]:
        """The columns the rules read, in order of first appearance."""
        return self._inner.attributes

    @property
    def decision_names(self) -> list[str]:
        """The decisions: bands, then hard rules, then the missing policy's."""
        return self._inner.decision_names

    @property
    def rule_names(self) -> list[str]:
        """Criteria then hard rules: the order of each customer's reason codes."""
        return self._inner.rule_names

    def rename_attribute(self, old: str, new: str) -> "SelectionRules":
        """A copy reading attribute ``old`` from column ``new``.

        Raises
        ------
        InvalidValueError
            When the rules do not read ``old`` (``field`` is ``old``).
        """
        inner, n = self._inner.rename_attribute(_convert.text(old, "old"), _convert.text(new, "new"))
        if n == 0:
            raise InvalidValueError(f"`{old}`: the rules read no such attribute", field=old)
        return SelectionRules(inner)

    def evaluate(self, df: pd.DataFrame, reasons: bool = True) -> pd.DataFrame:
        """Decision, score and reason codes of every customer (row) of ``df``.

        Only the columns the rules read are converted: numbers (NaN and ``pd.NA`` are missing),
        booleans (nullable booleans: NA is missing) and labels (strings, objects, categoricals:
        None/NaN are missing). A missing value never passes silently: it follows the rule set's
        missing-value policy and its reason code says ``missing``.

        Parameters
        ----------
        df : pandas.DataFrame or polars.DataFrame
            One row per customer.
        reasons : bool
            Include the ``reasons`` column (rendered in the core, in parallel, without the GIL).
            Skip it for speed on very large tables.

        Returns
        -------
        pandas.DataFrame
            Indexed like ``df``: ``decision`` (categorical over :attr:`decision_names`),
            ``score`` (float), ``fired_rule`` (the hard rule that decided, or None),
            ``strategy`` (the service strategy the rules give the customer's decision, or None)
            and, when requested, ``reasons`` (a list of reason codes per row, in
            :attr:`rule_names` order). ``result.attrs["counts"]`` maps each decision to its
            number of customers; ``result.attrs["warnings"]`` lists warnings about the result
            (dicts with ``decision``, ``count``, ``total``, ``share``, ``message``): when more
            than 90 % of at least 10 customers get one decision, also issued as a
            :class:`cvm.ConcentrationWarning`.

        Raises
        ------
        MissingColumnError
            A column the rules read is absent (``field`` = JSON path ending in ``.attr``; the
            message lists the DataFrame's columns; also a KeyError).
        InvalidValueError
            A column the rules read has
            the wrong type (``….value``), or a value is missing under the ``error`` policy
            (``field`` = column, ``index`` = row position).
        SerializationError
            A document problem (JSON path).
        """
        df = _convert.frame(df, "df")
        cols = _columns(df, self._inner.attributes)
        with _unknown_attribute(df.columns), _convert.rows_labelled(df.index, self._inner.attributes):
            with _convert.gc_paused():  # a list of reason codes a row
                out = self._inner.evaluate(cols, len(df), reasons)
                reason_column = pd.Series(out["reasons"], index=df.index, dtype=object) if reasons else None
        names = out["decision_names"]
        result = pd.DataFrame(
            {
                "decision": _convert.categorical(out["decision_codes"], names),
                "score": out["scores"],
                "fired_rule": _convert.named_codes(out["fired_rule"], out["hard_rule_names"], df.index),
                "strategy": _convert.named_codes(out["strategy"], out["strategy_names"], df.index),
            },
            index=df.index,
        )
        if reason_column is not None:
            result["reasons"] = reason_column
        result.attrs["counts"] = dict(zip(names, out["counts"]))
        result.attrs["warnings"] = [
            {"decision": d, "count": c, "total": t, "share": s, "message": m}
            for d, c, t, s, m in out["warnings"]
        ]
        for w in result.attrs["warnings"]:
            warnings.warn(w["message"], ConcentrationWarning, stacklevel=2)
        return result

    def counts(self, df: pd.DataFrame) -> pd.Series:
        """Number of customers of ``df`` per decision (all decisions, zeros included).

        Examples
        --------
        >>> import pandas as pd, cvm
        >>> rules = cvm.rules.dormant_account()
        >>> df = pd.DataFrame({"holdings_balance": [0.0, 5.0], "cash_balance": [80.0, 80.0],
        ...                    "years_since_last_trade": [4.0, 4.0]})
        >>> rules.counts(df).to_dict()
        {'dormant': 1, 'active': 1, 'unknown': 0}
        """
        counts = self.evaluate(df, reasons=False).attrs["counts"]
        return pd.Series(counts, name="customers", dtype=np.int64)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SelectionRules) and self._inner == other._inner

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return "Selection" + repr(self._inner)

    def tables(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The rules as two tables: the criteria and hard rules (``kind``, ``weight``,
        ``condition`` in words, ``decision`` of a hard rule), indexed by name in evaluation
        order (``weight`` NaN for a hard rule, ``decision`` None for a criterion), and the
        decisions with their score bands (``min``, ``max``; NaN where the band is open).

        Examples
        --------
        >>> import cvm
        >>> criteria, decisions = cvm.rules.dormant_account().tables()
        >>> criteria.loc["inactive", "condition"], float(decisions.loc["dormant", "min"])
        ('years_since_last_trade >= 3.0', 3.0)
        """
        from ._display import rule_tables

        return rule_tables(self.to_dict())

    def _repr_html_(self) -> str:
        from ._display import rules_html

        return rules_html(self.name, self.to_dict())


def relationship_trend(
    profit_by_period: Any,
    high_level: Optional[float] = None,
    slope_tolerance: float = 0.05,
    slope_scale: str = "relative",
) -> pd.DataFrame:
    """Relationship trend of each customer: high or low, rising, stable or declining.

    With periods ``t = 0 … p−1`` (oldest first), the level is the mean profit per period and the
    slope the least-squares slope of profit on ``t``. A customer is high when
    ``level ≥ high_level`` (default: the median level); the slope is rising above the tolerance,
    declining below minus it, stable otherwise. The tolerance is ``slope_tolerance × |level|``
    (``slope_scale="relative"``) or ``slope_tolerance`` profit units per period (``"absolute"``).

    Parameters
    ----------
    profit_by_period : pandas.DataFrame or 2-D array
        One row per customer, one column per period (oldest first), at least 2 periods.
    high_level : float, optional
        Level at or above which a customer is high (default the median level).
    slope_tolerance : float
        Tolerance of a stable slope (default 0.05).
    slope_scale : {"relative", "absolute"}
        Unit of the tolerance.

    Returns
    -------
    pandas.DataFrame
        Indexed like the input: ``level``, ``slope``, ``trend`` (``high_rising``,
        ``high_stable``, ``high_declining``, ``low_rising``, ``low_stable``, ``low_declining``)
        and ``reason`` (e.g. ``high_declining(level=1300>=900; slope=-200<-50)``);
        ``result.attrs["high_level"]`` is the level threshold used.

    Raises
    ------
    InvalidValueError
        Fewer than 2 periods (``n_periods``), a missing or infinite profit (``profit``, flat
        index row × periods + period), a non-finite ``high_level`` or negative tolerance.

    Examples
    --------
    >>> import pandas as pd, cvm
    >>> profit = pd.DataFrame([[1400, 1200, 1000, 800], [100, 200, 300, 400]],
    ...                       index=["acme", "bolt"], columns=["q1", "q2", "q3", "q4"])
    >>> r = cvm.relationship_trend(profit, high_level=900, slope_tolerance=50,
    ...                            slope_scale="absolute")
    >>> r["trend"].tolist()
    ['high_declining', 'low_rising']
    >>> r.loc["acme", "reason"]
    'high_declining(level=1100>=900; slope=-200<-50)'
    """
    index = profit_by_period.index if isinstance(profit_by_period, pd.DataFrame) else None
    values = _convert.matrix(profit_by_period, "profit")
    if values.ndim != 2:
        raise InvalidValueError(
            f"`profit`: expected a 2-D table (customers × periods), got {values.ndim} dimensions",
            field="profit",
        )
    flat = _convert.carray(values).reshape(-1)
    out = _cvm.relationship_trend(flat, values.shape[1], _convert.optional_number(high_level, "high_level"),
                                  _convert.number(slope_tolerance, "slope_tolerance"), str(slope_scale))
    result = pd.DataFrame(
        {
            "level": out["level"],
            "slope": out["slope"],
            "trend": _convert.named_codes(out["trend"], out["trend_names"], index),
            "reason": _convert.coded_text(out["reason"], index),
        },
        index=index,
    )
    result.attrs["high_level"] = out["high_level"]
    return result


def lookalike(
    candidates: pd.DataFrame,
    loyal: pd.DataFrame,
    features: Sequence[str],
    k: int,
    standardization: str = "loyal",
) -> pd.DataFrame:
    """The ``k`` candidates most similar to the profile of loyal customers.

    Each feature is standardized by the mean of the loyal customers and their standard deviation
    (``"loyal"``) or that of loyal customers and candidates together (``"pooled"``); the distance
    is the root mean square of the z-scores, ``d = √(mean_j z_j²)``, and the similarity
    ``1 / (1 + d)``. Ties are broken by candidate order.

    Parameters
    ----------
    candidates, loyal : pandas.DataFrame
        One row per customer; both hold the numeric ``features`` (no missing values).
    features : sequence of str
        Feature columns.
    k : int
        Number of candidates to keep (all when larger than the number of candidates).
    standardization : {"loyal", "pooled"}
        Which customers set the scale of each feature.

    Returns
    -------
    pandas.DataFrame
        The top-``k`` candidates, most similar first, indexed by the candidates' index:
        ``distance``, ``similarity`` and ``rank`` (1 = most similar).

    Raises
    ------
    InvalidValueError
        ``k`` = 0, fewer than 2 loyal customers, a feature absent from a table, not numeric or
        without spread (``field`` = ``features``, ``index`` = position of the feature), a
        missing or infinite value (``field`` = ``candidates.<feature>`` or
        ``loyal.<feature>``, ``index`` = row position).

    Examples
    --------
    >>> import pandas as pd, cvm
    >>> loyal = pd.DataFrame({"spend": [90.0, 100.0, 110.0], "visits": [8.0, 10.0, 12.0]})
    >>> cand = pd.DataFrame({"spend": [110.0, 100.0, 130.0], "visits": [12.0, 10.0, 10.0]},
    ...                     index=["ann", "bob", "cy"])
    >>> top = cvm.lookalike(cand, loyal, ["spend", "visits"], k=2)
    >>> top.index.tolist(), top["distance"].round(6).tolist()
    (['bob', 'ann'], [0.0, 1.0])
    """
    k = _convert.whole(k, "k")
    features = list(features)
    candidates = _convert.frame(candidates, "candidates")
    loyal = _convert.frame(loyal, "loyal")
    for table, df in (("candidates", candidates), ("loyal", loyal)):
        for j, name in enumerate(features):
            if name not in df.columns:
                err = MissingColumnError(
                    f"`features`[{j}]: {table} has no column {name!r}; it has {_convert._column_list(df.columns)}",
                    field="features",
                    index=j,
                )
                err.columns = list(df.columns)
                raise err
    with _convert.rows_labelled(candidates.index, [f"candidates.{f}" for f in features]), \
            _convert.rows_labelled(loyal.index, [f"loyal.{f}" for f in features]):
        out = _cvm.lookalike(
            _columns(candidates, features), _columns(loyal, features), features, int(k),
            str(standardization),
        )
    top = out["top"].astype(np.int64)
    return pd.DataFrame(
        {
            "distance": out["distance"][top],
            "similarity": out["similarity"][top],
            "rank": np.arange(1, len(top) + 1, dtype=np.int64),
        },
        index=candidates.index[top],
    )
