"""Value models: cash-flow customer lifetime value, value decomposition, value matrix, whale curve.

Every number comes from the Rust core (``cvm_core::value``); this module converts pandas/numpy
inputs and wraps the results.
"""

from __future__ import annotations

import warnings as _warnings
from typing import Any, Optional, Sequence, Union

import numpy as np
import pandas as pd

from . import _convert
from . import _cvm
from .exceptions import DegenerateSplitWarning, InvalidValueError

__all__ = [
    "cashflow_clv",
    "cashflow_breakdown",
    "closed_form_clv",
    "retention_from_survival",
    "value_decomposition",
    "value_matrix",
    "ValueMatrixResult",
    "whale_curve",
    "WhaleCurve",
    "matrix_migration",
    "MatrixMigration",
    "value_path",
]


def _is_scalar(x: Any) -> bool:
    return np.ndim(x) == 0 and not isinstance(x, (pd.Series, pd.DataFrame))


def _series(x: Any, field: str) -> tuple[tuple[str, np.ndarray, int], Optional[pd.Index]]:
    """A per-period input → ``(kind, values, n_periods)`` for the native module, and its index.

    A scalar is a constant; a 1-D list/array a schedule shared by all customers; a pandas Series
    one value per customer; a DataFrame or 2-D array one schedule per customer (rows).
    """
    if isinstance(x, pd.DataFrame):
        values = _convert.matrix(x, field)
        return ("matrix", _convert.carray(values.ravel()), values.shape[1]), x.index
    if isinstance(x, pd.Series):
        return ("per_customer", _convert.floats(x, field), 0), x.index
    if _is_scalar(x):
        return ("constant", np.array([_convert.number(x, field)], dtype=np.float64), 0), None
    arr = _convert.matrix(x, field)
    if arr.ndim == 1:
        return ("schedule", _convert.carray(arr), 0), None
    if arr.ndim == 2:
        return ("matrix", _convert.carray(arr.ravel()), arr.shape[1]), None
    raise InvalidValueError(f"`{field}`: expected at most 2 dimensions, got {arr.ndim}", field=field)


def _scalar(x: Any, field: str) -> tuple[tuple[str, np.ndarray, int], Optional[pd.Index]]:
    """A per-customer quantity → constant (scalar) or one value per customer (1-D)."""
    if _is_scalar(x):
        return ("constant", np.array([_convert.number(x, field)], dtype=np.float64), 0), None
    index = x.index if isinstance(x, pd.Series) else None
    return ("per_customer", _convert.floats(x, field), 0), index


def _periods(periods: Any) -> Optional[int]:
    if periods is None:
        return None
    if isinstance(periods, (bool, np.bool_, str)) or not _convert.number(periods, "periods").is_integer() or periods < 0:
        raise InvalidValueError(
            f"`periods`: must be a whole number of periods or None (got {periods!r})", field="periods"
        )
    return int(periods)


# The arguments of the native cash-flow functions before `customer`: the five per-period inputs,
# discount rate, periods, timing, convention.
_CashflowNative = tuple[Any, Any, Any, Any, Any, float, Optional[int], str, str]


def _cashflow_args(revenue, discount_rate, periods, cost, margin, retention, acquisition_cost,
                   timing, convention) -> tuple[_CashflowNative, Optional[pd.Index], bool]:
    # pandas inputs are aligned by label; a plain 1-D list is a shared schedule, except for
    # the acquisition cost, where it is one value per customer.
    inputs, index = _convert.align(
        {"revenue": revenue, "cost": cost, "margin": margin, "retention": retention,
         "acquisition_cost": acquisition_cost},
        rows=("acquisition_cost",),
    )
    convs = {"revenue": _series, "cost": _series, "margin": _series, "retention": _series,
             "acquisition_cost": _scalar}
    args = [convs[field](value, field)[0] for field, value in inputs.items()]
    per_customer = any(a[0] in ("per_customer", "matrix") for a in args)
    rev, cost_, margin_, retention_, acquisition = args
    native = (rev, cost_, margin_, retention_, acquisition, _convert.number(discount_rate, "discount_rate"),
              _periods(periods), str(timing), str(convention))
    return native, index, per_customer


def cashflow_clv(
    revenue: Any,
    discount_rate: float,
    periods: Optional[int],
    cost: Any = 0.0,
    margin: Any = 1.0,
    retention: Any = 1.0,
    acquisition_cost: Any = 0.0,
    timing: str = "end",
    convention: str = "present",
    breakdown: bool = False,
) -> Any:
    """Cash-flow customer lifetime value: the net present value of expected cash flows.

    ``CLV = Σ_{t=1}^{N} (R_t · m_t − C_t) · P_t / (1 + d)^(t − s) − A`` (Berger & Nasr 1998;
    Gupta & Lehmann 2003), with revenue ``R_t``, margin rate ``m_t``, recurring cost ``C_t``,
    discount rate ``d``, acquisition cost ``A`` paid at time 0, ``s = 0`` for end-of-period and
    ``s = 1`` for start-of-period cash flows, and ``P_t`` the probability that the customer is
    still present in period ``t``: the customer is present in period 1 (just acquired) and in
    period ``t`` with probability ``r^(t−1)`` (or the product of the schedule's first ``t − 1``
    rates); with ``convention="survive"`` the first period must already be survived (``r^t``).
    With constant inputs and ``periods=None`` this is ``m / (1 + d − r)``.

    Parameters
    ----------
    revenue, cost, margin, retention : float, sequence, pandas.Series or pandas.DataFrame
        Per-period inputs. A scalar is the same value in every period for every customer; a 1-D
        list/array is a schedule shared by all customers (element ``t − 1`` is period ``t``; the
        last value repeats); a pandas Series is one value per customer; a DataFrame or 2-D array
        is one schedule per customer (rows = customers, columns = periods; the last column
        repeats). ``margin`` is a rate applied to revenue; ``retention`` rates are in [0, 1].
    discount_rate : float
        Discount rate per period, > −1.
    periods : int or None
        Number of periods (1 to 100,000); ``None`` is the infinite horizon (needs a final
        retention rate below ``1 + discount_rate``).
    acquisition_cost : float or 1-D array-like
        One-off acquisition cost, shared or per customer.
    timing : {"end", "start"}
        End- or start-of-period cash flows.
    convention : {"present", "survive"}
        Whether the customer is present in period 1, or must survive it.
    breakdown : bool
        Return the per-period breakdown instead (a DataFrame, see :func:`cashflow_breakdown`)
        of the first customer; use :func:`cashflow_breakdown` with ``customer=`` for others.

    Returns
    -------
    float or pandas.Series
        One value when every input is shared; otherwise a Series named ``clv``, indexed like the
        first pandas input (or 0..n−1).

    Raises
    ------
    InvalidInputError
        ``discount_rate`` ≤ −1, ``retention`` outside [0, 1], NaN anywhere, an infinite horizon
        that does not converge (``r ≥ 1 + d``), empty or mismatched per-customer inputs;
        ``field`` and ``index`` locate the problem.

    Examples
    --------
    The method's worked example (acquisition 2,500, retention cost 500 a year, revenue 1,000,
    then 1,500, then 2,000 a year, 15 %, 5 years, retention certain):

    >>> import cvm
    >>> round(cvm.cashflow_clv([1000, 1500, 2000], 0.15, 5, cost=500, acquisition_cost=2500), 2)
    1280.6
    >>> round(cvm.cashflow_clv([1000, 1500, 2000], 0.15, 5, cost=500, acquisition_cost=2500,
    ...                        timing="start"), 2)
    1847.68
    >>> import pandas as pd
    >>> margin = pd.Series([120.0, 40.0], index=["ann", "bob"])
    >>> cvm.cashflow_clv(margin, 0.1, None, retention=0.8).round(6).to_dict()
    {'ann': 400.0, 'bob': 133.333333}
    """
    if breakdown:
        return cashflow_breakdown(revenue, discount_rate, periods, cost, margin, retention,
                                  acquisition_cost, timing, convention)
    native, index, per_customer = _cashflow_args(revenue, discount_rate, periods, cost, margin,
                                                 retention, acquisition_cost, timing, convention)
    # labels for per-customer inputs only (a schedule matrix counts cells, not rows)
    fields = ("revenue", "cost", "margin", "retention", "acquisition_cost")
    per_row = [f for f, arg in zip(fields, native) if arg[0] == "per_customer"]
    with _convert.rows_labelled(index, per_row):
        values = _cvm.cashflow_clv(*native)
    if not per_customer:
        return float(values[0])
    if index is None:
        index = pd.RangeIndex(len(values))
    return pd.Series(values, index=index, name="clv")


def cashflow_breakdown(
    revenue: Any,
    discount_rate: float,
    periods: Optional[int],
    cost: Any = 0.0,
    margin: Any = 1.0,
    retention: Any = 1.0,
    acquisition_cost: Any = 0.0,
    timing: str = "end",
    convention: str = "present",
    customer: int = 0,
    min_rows: int = 0,
) -> pd.DataFrame:
    """Period-by-period breakdown of one customer's cash-flow lifetime value.

    Parameters are those of :func:`cashflow_clv`, plus:

    customer : int
        Position (0-based) of the customer among the per-customer inputs.
    min_rows : int
        For an infinite horizon, list at least this many periods before the tail (finite
        horizons list every period).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``period`` (from 1), columns ``revenue``, ``cost``, ``margin``,
        ``contribution`` (``R·m − C``), ``survival`` (``P_t``), ``discount_factor``,
        ``present_value`` and ``cumulative`` (value so far, from ``−A``). ``attrs`` holds
        ``acquisition_cost``, ``tail_value`` (present value of the periods after the last row,
        infinite horizon) and ``clv`` (last ``cumulative`` + ``tail_value``).

    Examples
    --------
    >>> import cvm
    >>> b = cvm.cashflow_breakdown([1000, 1500, 2000], 0.15, 5, cost=500, acquisition_cost=2500)
    >>> b["contribution"].tolist()
    [500.0, 1000.0, 1500.0, 1500.0, 1500.0]
    >>> b["cumulative"].round(2).tolist()
    [-2065.22, -1309.07, -322.8, 534.83, 1280.6]
    >>> b = cvm.cashflow_breakdown(100.0, 0.0, None, retention=0.5, min_rows=3)
    >>> b["present_value"].tolist(), b.attrs["tail_value"], b.attrs["clv"]
    ([100.0, 50.0, 25.0], 25.0, 200.0)
    """
    native, _, _ = _cashflow_args(revenue, discount_rate, periods, cost, margin, retention,
                                  acquisition_cost, timing, convention)
    out = _cvm.cashflow_breakdown(*native, _convert.whole(customer, "customer"), _convert.whole(min_rows, "min_rows"))
    attrs = {k: out.pop(k) for k in ("acquisition_cost", "tail_value", "clv")}
    period = pd.Index(out.pop("period").astype(np.int64), name="period")
    frame = pd.DataFrame(out, index=period)
    frame.attrs.update(attrs)
    return frame


def closed_form_clv(
    margin: float,
    retention: float,
    discount_rate: float,
    periods: Optional[int] = None,
    timing: str = "end",
    convention: str = "present",
) -> float:
    """Textbook lifetime value of a constant margin ``m``, retention ``r`` and discount ``d``.

    Gupta & Lehmann (2003): with the customer present in period 1 and end-of-period cash flows,
    ``Σ_{t≥1} m r^(t−1) / (1 + d)^t = m / (1 + d − r)``; ``convention="survive"`` multiplies by
    ``r``, ``timing="start"`` by ``1 + d``; a finite horizon of ``n`` periods by
    ``1 − (r / (1 + d))^n``.

    Examples
    --------
    >>> import cvm
    >>> round(cvm.closed_form_clv(100, 0.8, 0.12), 9)
    312.5
    >>> round(cvm.closed_form_clv(100, 0.8, 0.12, convention="survive"), 9)
    250.0
    """
    return _cvm.closed_form_clv(_convert.number(margin, "margin"), _convert.number(retention, "retention"),
                                _convert.number(discount_rate, "discount_rate"),
                                _periods(periods), str(timing), str(convention))


def retention_from_survival(survival: Any) -> Any:
    """Per-period retention rates ``r_t = S(t) / S(t − 1)`` from a survival curve.

    Parameters
    ----------
    survival : 1-D array-like, pandas.Series, pandas.DataFrame or 2-D array
        ``S(0), S(1), …`` (``S(0)`` normally 1), one curve, or one curve per row.

    Returns
    -------
    numpy.ndarray, pandas.Series or pandas.DataFrame
        ``n − 1`` rates per curve (columns / index ``1 … n − 1``), usable as the ``retention``
        schedule of :func:`cashflow_clv` (with the default convention the customer is then
        present in period ``t`` with probability ``S(t − 1)``).

    Examples
    --------
    >>> import cvm
    >>> cvm.retention_from_survival([1.0, 0.8, 0.6]).round(6).tolist()
    [0.8, 0.75]
    """
    if isinstance(survival, pd.DataFrame):
        values = _convert.matrix(survival, "survival")
        rates = _cvm.retention_from_survival(_convert.carray(values.ravel()), values.shape[1])
        return pd.DataFrame(rates.reshape(values.shape[0], -1), index=survival.index,
                            columns=pd.RangeIndex(1, values.shape[1], name="period"))
    arr = _convert.floats(survival, "survival") if isinstance(survival, pd.Series) \
        else _convert.matrix(survival, "survival")
    if arr.ndim == 2:
        rates = _cvm.retention_from_survival(_convert.carray(arr.ravel()), arr.shape[1])
        return rates.reshape(arr.shape[0], -1)
    arr = _convert.carray(arr.ravel())
    rates = _cvm.retention_from_survival(arr, len(arr))
    if isinstance(survival, pd.Series):
        return pd.Series(rates, index=pd.RangeIndex(1, len(arr), name="period"), name="retention")
    return rates


def value_decomposition(
    realised: Any = None,
    potential: Any = None,
    influence: Any = None,
    *,
    rate: float = 0.0,
    referrals: Any = None,
    conversion: Any = None,
    referral_value: Any = None,
    satisfaction: Any = None,
    satisfaction_threshold: float = 4.0,
    satisfaction_scale: tuple[float, float] = (1.0, 5.0),
    missing_satisfaction: str = "error",
    plain_referrals: bool = False,
) -> pd.DataFrame:
    """Customer value = realised + potential + influence value.

    Influence by referrals is the customer referral value of Kumar, Petersen & Leone (2007):
    ``referrals × conversion × referral_value``. The method counts it only for highly satisfied
    customers (influence value arises when customers are highly satisfied, ``seeds/000:9``):
    with ``referrals`` give ``satisfaction``; customers below ``satisfaction_threshold`` get 0.
    ``plain_referrals=True`` is the plain form that counts every customer.

    Parameters
    ----------
    realised : 1-D array-like / Series (totals) or DataFrame / 2-D array (history), optional
        Profit already brought. A history has one column per past period, oldest first, the last
        ending today; column ``j`` of ``n`` is compounded by ``(1 + rate)^(n − 1 − j)``.
    potential : 1-D array-like, optional
        Expected future value per customer (e.g. from :func:`cashflow_clv` or a lifetime model).
    influence : 1-D array-like, optional
        Influence value per customer; or give ``referrals``, ``conversion``, ``referral_value``
        (each a scalar or one value per customer).
    rate : float
        Compounding rate per period of a realised history (> −1).
    satisfaction : 1-D array-like or Series, optional
        One satisfaction score per customer, on ``satisfaction_scale`` (default 1–5); required
        with ``referrals`` unless ``plain_referrals``. NaN / None is a missing score.
    satisfaction_threshold : float
        Lowest score that counts as highly satisfied (default 4: "satisfied" or "very satisfied"
        on 1–5), within the scale.
    satisfaction_scale : (float, float)
        Lowest and highest score of the scale; scores outside it are an error.
    missing_satisfaction : {"error", "no_influence"}
        A missing score is an error naming the row (default), or gives that customer no influence
        value; it is never read as highly satisfied.
    plain_referrals : bool
        Count referral influence for every customer, whatever their satisfaction.

    Returns
    -------
    pandas.DataFrame
        Columns ``realised``, ``potential``, ``influence``, ``total``, indexed like the first
        pandas input (or 0..n−1). Missing components are 0.

    Examples
    --------
    >>> import cvm
    >>> d = cvm.value_decomposition([[100, 100, 100], [0, 50, 200]], [400.0, 900.0], rate=0.1,
    ...                             referrals=[2, 0], conversion=0.25, referral_value=300,
    ...                             satisfaction=[5, 4])
    >>> d.round(6).to_dict("list")
    {'realised': [331.0, 255.0], 'potential': [400.0, 900.0], 'influence': [150.0, 0.0], 'total': [881.0, 1155.0]}
    >>> cvm.value_decomposition(referrals=[2, 2], conversion=0.25, referral_value=300,
    ...                         satisfaction=[2, 5])["influence"].tolist()
    [0.0, 150.0]
    """
    inputs, index = _convert.align(
        {"realised": realised, "potential": potential, "influence": influence,
         "referrals": referrals, "conversion": conversion, "referral_value": referral_value,
         "satisfaction": satisfaction}
    )
    satisfaction = inputs["satisfaction"]
    sat = None if satisfaction is None else _convert.floats(satisfaction, "satisfaction")
    if np.ndim(satisfaction_scale) != 1 or len(satisfaction_scale) != 2:
        raise InvalidValueError(f"`satisfaction_scale`: expected (lowest, highest), got {satisfaction_scale!r}",
                                field="satisfaction_scale")
    low, high = (_convert.number(x, "satisfaction_scale") for x in satisfaction_scale)
    scale = (low, high)
    realised, potential, influence = inputs["realised"], inputs["potential"], inputs["influence"]
    referrals, conversion = inputs["referrals"], inputs["conversion"]
    referral_value = inputs["referral_value"]
    hist, periods = None, None
    if realised is not None:
        if isinstance(realised, pd.DataFrame) or np.ndim(realised) == 2:
            values = _convert.matrix(realised, "realised")
            hist, periods = _convert.carray(values.ravel()), values.shape[1]
        else:
            hist = _convert.floats(realised, "realised")
    opt = lambda x, f: None if x is None else _convert.floats(x, f)  # noqa: E731
    sc = lambda x, f: None if x is None else _scalar(x, f)[0]  # noqa: E731
    out = _cvm.value_decomposition(
        hist, periods, _convert.number(rate, "rate"), opt(potential, "potential"), opt(influence, "influence"),
        sc(referrals, "referrals"), sc(conversion, "conversion"),
        sc(referral_value, "referral_value"), sat, scale,
        _convert.number(satisfaction_threshold, "satisfaction_threshold"),
        _convert.text(missing_satisfaction, "missing_satisfaction"), bool(plain_referrals),
    )
    n = len(out["total"])
    if index is None or len(index) != n:
        index = pd.RangeIndex(n)
    return pd.DataFrame(out, index=index)


class ValueMatrixResult:
    """Current × potential value matrix of :func:`value_matrix`.

    Attributes
    ----------
    customers : pandas.DataFrame
        Indexed like ``current``: ``current_level``, ``potential_level`` (0 = lowest), ``cell``
        (``current_level · n_cols + potential_level``), ``label``, ``strategy``.
    cells : pandas.DataFrame
        One row per cell: ``current_level``, ``potential_level``, ``label``, ``strategy``,
        ``count``, ``current_sum``, ``potential_sum``.
    current_thresholds, potential_thresholds : list of float
        Cut points in data units (quantiles resolved).
    current_ties_low, potential_ties_low : list of bool
        Per cut point: whether customers equal to it went to the lower level (tie rule).
    shape : (int, int)
        Number of current and potential levels.
    warnings : pandas.DataFrame
        Degenerate cells (empty, or more than 90 % of the customers): ``kind``
        (``"empty_cell"`` / ``"dominant_cell"``), ``cell``, ``count``, ``share``, ``message``;
        empty when the split is sound. Each is also emitted as a
        :class:`cvm.DegenerateSplitWarning`.
    """

    def __init__(self, customers: pd.DataFrame, cells: pd.DataFrame, current_thresholds,
                 potential_thresholds, shape, current_ties_low=(), potential_ties_low=(),
                 warnings=None):
        self.customers = customers
        self.cells = cells
        self.current_thresholds = list(current_thresholds)
        self.potential_thresholds = list(potential_thresholds)
        self.current_ties_low = list(current_ties_low)
        self.potential_ties_low = list(potential_ties_low)
        self.shape = shape
        self.warnings = warnings if warnings is not None else _matrix_warnings([])

    def counts(self) -> pd.DataFrame:
        """Customers per cell as a grid (rows = current level, columns = potential level)."""
        return self.cells.pivot(index="current_level", columns="potential_level", values="count")

    def __repr__(self) -> str:
        return (f"ValueMatrixResult({len(self.customers)} customers, {self.shape[0]}×{self.shape[1]}"
                f" cells, current cut {self.current_thresholds}, potential cut"
                f" {self.potential_thresholds})")

    def _repr_html_(self) -> str:
        return f"<p>{self!r}</p>" + self.cells.to_html()


def _matrix_warnings(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["kind", "cell", "count", "share", "message"])
    return frame.astype({"cell": np.int64, "count": np.int64, "share": np.float64})


def value_matrix(
    current: Any,
    potential: Any,
    current_thresholds: Optional[Sequence[float]] = None,
    potential_thresholds: Optional[Sequence[float]] = None,
    *,
    quantiles: bool = True,
    grid: Optional[int] = None,
    labels: Optional[Sequence[str]] = None,
    strategies: Union[str, Sequence[str], None] = None,
) -> ValueMatrixResult:
    """Place each customer in a cell of the current × potential value matrix.

    A customer's level on an axis is the number of that axis' cut points it passes: above a cut
    point, or equal to an absolute one. Customers **tied** at a quantile cut point (two or more
    with the same value, e.g. the median 0 when most current values are 0) go to the side that
    brings the share below the cut closer to the quantile — zero vs positive when 82 % are 0 —
    and up at equal distance. The default 2 × 2 matrix cuts both axes at the median (type-7
    sample quantile) and recommends the method's strategies (``seeds/001:49``): low current /
    low potential "think carefully before investing resources", both high-potential cells
    "cultivate this group", high current / low potential "maintain this group". A cell that is
    empty or holds more than 90 % of the customers emits a :class:`cvm.DegenerateSplitWarning`
    naming the cell and its cuts (also in ``result.warnings``).

    Parameters
    ----------
    current, potential : array-like or pandas.Series
        Current and potential value per customer (same length).
    current_thresholds, potential_thresholds : sequence of float, optional
        Cut points, strictly increasing: quantiles in [0, 1] when ``quantiles`` (default) or
        values otherwise. Default: the median (or ``grid``).
    grid : int, optional
        ``k``: cut each axis without explicit thresholds at the quantiles ``1/k … (k−1)/k``.
    labels : sequence of str, optional
        One per cell, in cell order (row-major, current level first).
    strategies : "source", "detailed" or sequence of str, optional
        ``"source"`` (default for 2 × 2): the method's three strategies; ``"detailed"``: the
        richer labels "be careful before spending resources" / "develop" / "maintain" / "keep and
        invest"; or one strategy per cell.

    Returns
    -------
    ValueMatrixResult

    Examples
    --------
    >>> import pandas as pd, cvm
    >>> current = pd.Series([10.0, 200.0, 35.0, 500.0], index=list("abcd"))
    >>> m = cvm.value_matrix(current, [900.0, 50.0, 20.0, 700.0])
    >>> m.current_thresholds, m.potential_thresholds
    ([117.5], [375.0])
    >>> m.customers.loc["a", "strategy"], m.customers.loc["d", "strategy"]
    ('cultivate this group', 'cultivate this group')
    >>> m.customers.loc["b", "strategy"], m.customers.loc["c", "strategy"]
    ('maintain this group', 'think carefully before investing resources')
    >>> m.cells["count"].tolist()
    [1, 1, 1, 1]
    >>> cvm.value_matrix(current, [900.0, 50.0, 20.0, 700.0], strategies="detailed").cells["strategy"].tolist()
    ['be careful before spending resources', 'develop', 'maintain', 'keep and invest']
    """
    inputs, index = _convert.align({"current": current, "potential": potential})
    c = _convert.floats(inputs["current"], "current")
    p = _convert.floats(inputs["potential"], "potential")
    cut = lambda x, f: None if x is None else _convert.floats(np.atleast_1d(x), f).tolist()  # noqa: E731
    names = lambda x, f: None if x is None else [_convert.text(v, f) for v in x]  # noqa: E731
    strategy_set = "source"
    if isinstance(strategies, str):
        strategy_set, strategies = strategies, None
    with _convert.rows_labelled(index, ("current", "potential")):
        out = _cvm.value_matrix(c, p, cut(current_thresholds, "current_thresholds"), quantiles,
                                cut(potential_thresholds, "potential_thresholds"), quantiles,
                                None if grid is None else _convert.whole(grid, "grid"),
                                names(labels, "labels"), names(strategies, "strategies"),
                                strategy_set)
    for w in out["warnings"]:
        _warnings.warn(w[4], DegenerateSplitWarning, stacklevel=2)
    if index is None:
        index = pd.RangeIndex(len(c))
    labels_, strategies_ = out["labels"], out["strategies"]
    cell = out["cell"].astype(np.int64)
    customers = pd.DataFrame(
        {
            "current_level": out["current_level"].astype(np.int64),
            "potential_level": out["potential_level"].astype(np.int64),
            "cell": cell,
            "label": _convert.indexed_text(cell, labels_, index),
            "strategy": _convert.indexed_text(cell, strategies_, index),
        },
        index=index,
    )
    n_cols = out["n_cols"]
    k = np.arange(len(labels_))
    cells = pd.DataFrame(
        {
            "current_level": k // n_cols,
            "potential_level": k % n_cols,
            "label": _convert.text_column(labels_, pd.RangeIndex(len(labels_), name="cell")),
            "strategy": _convert.text_column(strategies_, pd.RangeIndex(len(labels_), name="cell")),
            "count": out["count"].astype(np.int64),
            "current_sum": out["current_sum"],
            "potential_sum": out["potential_sum"],
        },
        index=pd.RangeIndex(len(labels_), name="cell"),
    )
    return ValueMatrixResult(customers, cells, out["current_thresholds"],
                             out["potential_thresholds"], (out["n_rows"], n_cols),
                             out["current_ties_low"], out["potential_ties_low"],
                             _matrix_warnings(out["warnings"]))


class WhaleCurve:
    """Whale curve of :func:`whale_curve`.

    ``C(k)`` is the cumulative profit of the ``k`` most profitable customers (linear between
    ranks). Shares and ``gini`` are ``None`` when their denominator is not positive.

    Attributes
    ----------
    total : float
        Total profit ``C(n)``.
    peak, peak_rank : float, int
        Highest point of the curve and the number of customers at it.
    peak_share : float or None
        ``peak / total``.
    top, top_profit, top_share : float, float, float or None
        The top fraction, ``C(top · n)`` and its share of total profit.
    bottom, bottom_consumed, bottom_consumed_share : float, float, float or None
        The bottom fraction, the profit it takes away ``C(n − bottom · n) − total``, and that
        as a share of the peak.
    tail_consumed : float
        ``peak − total``.
    unprofitable_count, unprofitable_share : int, float
        Customers with negative profit.
    gini : float or None
        Gini coefficient of profit (can exceed 1 when there are losses).
    bottom_profit, bottom_count, bottom_unprofitable_count : float, int, int
        Net profit of the bottom fraction (``−bottom_consumed``), the ``⌊bottom · n⌋`` customers
        in it, and how many of them lose money.
    potential_profit : float
        The profit without the bottom fraction, ``C(n − bottom · n)``.
    bottom_share_of_top, bottom_share_of_potential : float or None
        The two readings of 80/20/30: ``bottom_consumed / top_profit`` (the share of the top
        20 %'s profit the bottom 30 % consume, ``seeds/001:19``) and
        ``bottom_consumed / potential_profit`` (the share of the potential profit lost,
        ``seeds/004:14``). Negative when the bottom is net profitable.
    bottom_net_profitable : bool
        The bottom fraction makes a net profit: it consumes nothing.
    interpretation : str
        The bottom fraction's figures in words (always set; read it when the shares are negative).
    unprofitable : pandas.Index
        Labels of the customers with negative profit (the index of ``profit``).
    curve : numpy.ndarray
        ``C(1) … C(n)`` in rank order.
    table : pandas.DataFrame
        Indexed like ``profit``: ``profit``, ``rank`` (1 = most profitable),
        ``cumulative_profit``, ``cumulative_share`` (NaN-free; absent when total ≤ 0),
        ``customer_share``.
    """

    # The attributes set from the core's result, declared for type checkers.
    total: float
    peak: float
    peak_rank: int
    peak_share: Optional[float]
    top: float
    top_profit: float
    top_share: Optional[float]
    bottom: float
    bottom_consumed: float
    bottom_consumed_share: Optional[float]
    tail_consumed: float
    unprofitable_count: int
    unprofitable_share: float
    gini: Optional[float]
    bottom_profit: float
    bottom_count: int
    bottom_unprofitable_count: int
    potential_profit: float
    bottom_share_of_top: Optional[float]
    bottom_share_of_potential: Optional[float]
    bottom_net_profitable: bool
    interpretation: str

    _FIELDS = ("total", "peak", "peak_rank", "peak_share", "top", "top_profit", "top_share",
               "bottom", "bottom_consumed", "bottom_consumed_share", "tail_consumed",
               "unprofitable_count", "unprofitable_share", "gini", "bottom_profit", "bottom_count",
               "bottom_unprofitable_count", "potential_profit", "bottom_share_of_top",
               "bottom_share_of_potential", "bottom_net_profitable", "interpretation")

    def __init__(self, out: dict, table: pd.DataFrame):
        for name in self._FIELDS:
            setattr(self, name, out[name])
        self.curve = out["curve"]
        self.table = table
        self.unprofitable = table.index[out["unprofitable"].astype(np.int64)]

    def summary(self) -> dict:
        """The summary figures as a dict."""
        return {name: getattr(self, name) for name in self._FIELDS}

    def __repr__(self) -> str:
        return "WhaleCurve(" + ", ".join(
            f"{k}={v:.6g}" if isinstance(v, float) else f"{k}={v}" for k, v in self.summary().items()
        ) + ")"

    def _repr_html_(self) -> str:
        return pd.Series(self.summary(), name="whale curve").to_frame().to_html()

    def plot(self, ax: Any = None) -> Any:
        """Plot cumulative profit against the share of customers (needs matplotlib: ``pip install
        cvm[plot]``); a shortcut to :func:`cvm.plotting.plot_whale_curve`."""
        from .plotting import plot_whale_curve

        return plot_whale_curve(self, ax=ax)


def whale_curve(profit: Any, top: float = 0.2, bottom: float = 0.3) -> WhaleCurve:
    """Rank customers by profit: the whale curve, the 80-20-30 figures and the Gini coefficient.

    Parameters
    ----------
    profit : array-like or pandas.Series
        Profit per customer (negative for customers who lose money).
    top, bottom : float
        Fractions of customers in [0, 1]: the most profitable ``top`` (share of total profit
        they bring) and the least profitable ``bottom`` (profit they take away).

    Returns
    -------
    WhaleCurve

    Examples
    --------
    >>> import cvm
    >>> w = cvm.whale_curve([-5, 100, 0, -40, 20, 60, -10, 30, -25, 10])
    >>> w.total, w.peak, w.peak_rank, w.top_profit, w.bottom_consumed, w.unprofitable_count
    (140.0, 220.0, 5, 160.0, 75.0, 4)
    >>> round(w.gini, 6), round(w.top_share, 6)
    (1.528571, 1.142857)
    >>> w.table.loc[1, ["rank", "cumulative_profit"]].tolist()
    [1.0, 100.0]
    >>> round(w.bottom_share_of_top, 4), round(w.bottom_share_of_potential, 4), w.unprofitable.tolist()
    (0.4688, 0.3488, [0, 3, 6, 8])
    >>> w.interpretation
    "the bottom 30 % (3 customers) consume 75 of profit: 46.9 % of the top 20 %'s profit and 34.9 % of the potential profit (the profit without them); 3 of them lose money"
    """
    index = profit.index if isinstance(profit, pd.Series) else None
    p = _convert.floats(profit, "profit")
    with _convert.rows_labelled(index, ("profit",)):
        out = _cvm.whale_curve(p, _convert.number(top, "top"), _convert.number(bottom, "bottom"))
    if index is None:
        index = pd.RangeIndex(len(p))
    columns = {
        "profit": p,
        "rank": out["rank"].astype(np.int64),
        "cumulative_profit": out["cumulative_profit"],
    }
    if out["cumulative_share"] is not None:
        columns["cumulative_share"] = out["cumulative_share"]
    columns["customer_share"] = out["customer_share"]
    return WhaleCurve(out, pd.DataFrame(columns, index=index))


class MatrixMigration:
    """Value-matrix cell migration of :func:`matrix_migration`.

    Attributes
    ----------
    counts, rates : pandas.DataFrame
        Rows = cell labels before (then ``"new"`` under the outer join), columns = cell labels
        after (then ``"gone"``); rates are row-normalised (a row without customers is 0).
    moves : pandas.DataFrame
        Indexed by customer id: ``before``, ``after`` (cell labels, ``"new"`` / ``"gone"``).
    policy : str
    """

    def __init__(self, counts: pd.DataFrame, rates: pd.DataFrame, moves: pd.DataFrame, policy: str):
        self.counts, self.rates, self.moves, self.policy = counts, rates, moves, policy

    def count(self, before: str, after: str) -> int:
        """Customers moving from cell ``before`` to cell ``after`` (labels)."""
        count: Any = self.counts.loc[before, after]
        return int(count)

    def __repr__(self) -> str:
        return f"MatrixMigration({len(self.moves)} customers, policy={self.policy!r})\n{self.counts}"

    def _repr_html_(self) -> str:
        return (f"<div><p><b>Value-matrix migration</b> — {len(self.moves)} customers, policy {self.policy}</p>"
                f"<p>Counts (rows: cell before, columns: cell after)</p>{self.counts.to_html()}"
                f"<p>Row rates</p>{self.rates.to_html(float_format=lambda x: f'{x:.3f}')}</div>")


def matrix_migration(before: ValueMatrixResult, after: ValueMatrixResult,
                     policy: str = "strict") -> MatrixMigration:
    """Cell migration between two value matrices of the same customers (like
    :func:`cvm.stage_migration` for ladder stages).

    Customers are matched by the index of ``before.customers`` and ``after.customers``. Cut
    points are resolved per snapshot; to hold the cells fixed, cut the second snapshot at the
    first one's values (``value_matrix(..., before.current_thresholds,
    before.potential_thresholds, quantiles=False)``).

    Parameters
    ----------
    before, after : ValueMatrixResult
        The two snapshots (same grid).
    policy : {"strict", "outer_join"}
        ``"strict"``: both hold the same customers; ``"outer_join"``: a customer only in
        ``before`` goes to ``"gone"``, one only in ``after`` comes from ``"new"``.

    Returns
    -------
    MatrixMigration

    Examples
    --------
    >>> import pandas as pd, cvm
    >>> b = cvm.value_matrix(pd.Series([50.0, 150.0, 150.0], index=[1, 2, 3]), [50.0, 150.0, 50.0],
    ...                      [100.0], [100.0], quantiles=False)
    >>> a = cvm.value_matrix(pd.Series([50.0, 150.0, 50.0], index=[1, 2, 3]), [150.0, 150.0, 50.0],
    ...                      [100.0], [100.0], quantiles=False)
    >>> m = cvm.matrix_migration(b, a)
    >>> m.count("low_current_low_potential", "low_current_high_potential")
    1
    >>> m.moves.loc[3].tolist()
    ['high_current_low_potential', 'low_current_low_potential']
    """
    from .loyalty import _snapshot_ids

    if before.shape != after.shape:
        raise InvalidValueError(f"`after`: the grids differ: {before.shape} before, {after.shape} after",
                                field="after")
    ids_b, ids_a, labels = _snapshot_ids(before.customers.index, after.customers.index)
    cells = lambda m: _convert.carray(m.customers["cell"].to_numpy(), dtype=np.uint64)  # noqa: E731
    d = _cvm.value_cell_migration(ids_b, cells(before), ids_a, cells(after), len(before.cells),
                                  _convert.text(policy, "policy"))
    names = list(before.cells["label"])
    name = lambda code, missing: names[code] if code >= 0 else missing  # noqa: E731
    rows = pd.Index([name(c, "new") for c in d["rows"]], name="before")
    columns = pd.Index([name(c, "gone") for c in d["columns"]], name="after")
    counts = pd.DataFrame(np.asarray(d["counts"], dtype=np.int64), index=rows, columns=columns)
    rates = pd.DataFrame(np.asarray(d["rates"], dtype=np.float64), index=rows, columns=columns)
    ids = d["ids"] if labels is None else labels[d["ids"]]
    index = pd.Index(ids, name=before.customers.index.name or "customer_id")
    moves = pd.DataFrame({"before": [name(c, "new") for c in d["from"]],
                          "after": [name(c, "gone") for c in d["to"]]}, index=index, dtype=object)
    return MatrixMigration(counts, rates, moves, "outer_join" if "gone" in columns else "strict")


def value_path(
    current: pd.DataFrame,
    potential: pd.DataFrame,
    current_thresholds: Optional[Sequence[float]] = None,
    potential_thresholds: Optional[Sequence[float]] = None,
    *,
    quantiles: bool = True,
    grid: Optional[int] = None,
) -> pd.DataFrame:
    """Each customer's value-matrix cell in each period.

    Parameters
    ----------
    current, potential : pandas.DataFrame or 2-D array
        Rows = customers, columns = periods (oldest first), the same shape.
    current_thresholds, potential_thresholds, quantiles, grid
        As :func:`value_matrix`, applied to each period on its own data (quantile cuts follow
        each period's distribution; absolute cut points hold the cells fixed).

    Returns
    -------
    pandas.DataFrame
        Cell index per customer (rows, indexed like ``current``) and period (columns); the
        degenerate cells of each period are emitted as :class:`cvm.DegenerateSplitWarning` and
        kept in ``attrs["warnings"]`` (one list per period).

    Examples
    --------
    >>> import pandas as pd, cvm
    >>> cur = pd.DataFrame([[50, 150, 150], [200, 200, 20]], index=["a", "b"], columns=[2023, 2024, 2025])
    >>> pot = pd.DataFrame([[150, 150, 50], [300, 50, 50]], index=["a", "b"], columns=[2023, 2024, 2025])
    >>> cvm.value_path(cur, pot, [100.0], [100.0], quantiles=False).values.tolist()
    [[1, 3, 2], [3, 2, 0]]
    """
    index = current.index if isinstance(current, pd.DataFrame) else None
    columns = current.columns if isinstance(current, pd.DataFrame) else None
    c = _convert.matrix(current, "current")
    p = _convert.matrix(potential, "potential")
    if c.ndim != 2 or p.ndim != 2:
        raise InvalidValueError("`current`: expected customers × periods (2-D)", field="current")
    if p.shape != c.shape:
        raise InvalidValueError(f"`potential`: shape {p.shape} differs from current's {c.shape}",
                                field="potential")
    cut = lambda x, f: None if x is None else _convert.floats(np.atleast_1d(x), f).tolist()  # noqa: E731
    out = _cvm.value_path_native(_convert.carray(c.ravel()), _convert.carray(p.ravel()), c.shape[1],
                                 cut(current_thresholds, "current_thresholds"), quantiles,
                                 cut(potential_thresholds, "potential_thresholds"), quantiles,
                                 None if grid is None else _convert.whole(grid, "grid"))
    for period in out["warnings"]:
        for message in period:
            _warnings.warn(message, DegenerateSplitWarning, stacklevel=2)
    frame = pd.DataFrame(out["cells"].astype(np.int64).reshape(c.shape),
                         index=index if index is not None else pd.RangeIndex(c.shape[0]),
                         columns=columns if columns is not None else pd.RangeIndex(c.shape[1], name="period"))
    frame.attrs["warnings"] = out["warnings"]
    return frame
