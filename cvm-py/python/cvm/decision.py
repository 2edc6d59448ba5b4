"""From numbers to decisions: the customer value report, playbooks and budgeted campaigns.

* :func:`customer_value_report` — one row per customer assembled from the other functions'
  results (value decomposition, CLV, value matrix, loyalty stage and level, churn probability,
  elastic / big-customer-risk / dormant / fee flags, the selection decision and its reasons)
  with the next best action from a :class:`Playbook`; as a pandas DataFrame, CSV or a
  self-contained HTML page;
* :class:`Playbook` — a play per segment and the precedence between segment types, read from
  and written to a versioned JSON document;
* :func:`select_campaign` — whom to contact within a budget to maximise the expected CLV gained
  (``uplift × clv − cost``); :func:`compare_campaigns` against "top-N by CLV" and random
  selection.

The rules, the default playbook and the reading of each source line are in docs/decisions.md.
"""

from __future__ import annotations

import html
import json
from typing import Any, Mapping, Optional, overload

import numpy as np
import pandas as pd

from . import _convert, _cvm
from .exceptions import InvalidValueError, MissingColumnError

__all__ = [
    "Playbook",
    "CustomerValueReport",
    "customer_value_report",
    "Campaign",
    "select_campaign",
    "compare_campaigns",
]


class Playbook:
    """A playbook: the action (play) for each segment, and the precedence between segment types.

    For each customer the segment types are consulted in ``precedence`` order and the first
    whose segment has a play decides; the action's reason names that segment, its rank and the
    plays it outranked. Built from a versioned JSON document (``Playbook.from_json``) or the
    default, whose plays come from the source texts (``Playbook.default()``).

    Examples
    --------
    >>> import cvm
    >>> book = cvm.Playbook.default()
    >>> book.precedence[:3]
    ['dormant', 'fee', 'big_customer_risk']
    >>> book.plays.loc[book.plays["segment"] == "low_current_low_potential", "action"].item()
    'think carefully before investing resources'
    >>> custom = cvm.Playbook.from_json('{"version": 1, "plays": [{"segment_type": "loyalty_stage", '
    ...                                 '"segment": "lapsed", "action": "win back"}]}')
    >>> len(custom.plays)
    1
    """

    def __init__(self, document: str) -> None:
        self._json = _cvm.playbook_normalize(_convert.text(document, "playbook"))
        self._doc = json.loads(self._json)

    @classmethod
    def default(cls) -> "Playbook":
        """The default playbook (docs/decisions.md)."""
        return cls(_cvm.playbook_default_json())

    @classmethod
    def from_json(cls, text: str) -> "Playbook":
        """Reads a playbook document; errors name the JSON path (``cvm.SerializationError``)."""
        return cls(text)

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> "Playbook":
        """Reads a playbook from a dict of the JSON document."""
        return cls(json.dumps(document))

    def to_json(self) -> str:
        """The versioned JSON document (read back equal by :meth:`from_json`)."""
        return self._json

    def to_dict(self) -> dict:
        """The JSON document as a dict."""
        return json.loads(self._json)

    @property
    def name(self) -> str:
        return self._doc["name"]

    @property
    def precedence(self) -> list[str]:
        """Segment types, highest precedence first."""
        return list(self._doc["precedence"])

    @property
    def plays(self) -> pd.DataFrame:
        """One row per play: ``segment_type``, ``segment``, ``action``, ``source``."""
        return pd.DataFrame(self._doc["plays"], columns=["segment_type", "segment", "action", "source"])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Playbook) and self._json == other._json

    def __hash__(self) -> int:
        return hash(self._json)

    def __repr__(self) -> str:
        return f"Playbook({self.name!r}, {len(self._doc['plays'])} plays, precedence {' > '.join(self.precedence)})"

    def _repr_html_(self) -> str:
        return f"<p>{self!r}</p>" + self.plays.to_html()

    def __getstate__(self) -> dict:
        return {"json": self._json}

    def __setstate__(self, state: dict) -> None:
        Playbook.__init__(self, state["json"])


class CustomerValueReport:
    """The customer value report of :func:`customer_value_report`.

    ``to_frame()`` gives the pandas DataFrame (indexed like the inputs), ``to_csv()`` the CSV
    text (numbers in full precision), ``to_html()`` one self-contained HTML page (inline CSS, no
    scripts or external assets, text escaped); each writes to ``path`` when one is given.
    """

    def __init__(self, native: Any, index: pd.Index) -> None:
        self._native = native
        self.index = index

    def __len__(self) -> int:
        return len(self._native)

    def to_frame(self) -> pd.DataFrame:
        """The report as a DataFrame: numbers float64 (NaN missing), text ``object`` (None
        missing), flags pandas ``boolean`` (``pd.NA`` missing); the ids are the index."""
        data = {}
        for name, kind, values in self._native.columns():
            if name == "customer_id":
                continue
            if kind == "number":
                data[name] = pd.Series(values, index=self.index)
            elif kind == "flag":
                data[name] = pd.array(values, dtype="boolean")
            else:
                data[name] = _convert.text_column(values, self.index)
        return pd.DataFrame(data, index=self.index)

    def head(self, n: int = 5) -> pd.DataFrame:
        """The first ``n`` rows of :meth:`to_frame`."""
        return self.to_frame().head(n)

    @overload
    def to_csv(self, path: None = None) -> str: ...
    @overload
    def to_csv(self, path: str) -> None: ...

    def to_csv(self, path: Optional[str] = None) -> Optional[str]:
        """The CSV text (returned, or written to ``path`` as UTF-8)."""
        text = self._native.to_csv()
        if path is None:
            return text
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        return None

    @overload
    def to_html(self, title: str = ..., path: None = None) -> str: ...
    @overload
    def to_html(self, title: str, path: str) -> None: ...
    @overload
    def to_html(self, title: str = ..., *, path: str) -> None: ...

    def to_html(self, title: str = "Customer value report", path: Optional[str] = None) -> Optional[str]:
        """One self-contained HTML page (returned, or written to ``path`` as UTF-8)."""
        text = self._native.to_html(_convert.text(title, "title"))
        if path is None:
            return text
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return None

    def __repr__(self) -> str:
        return f"CustomerValueReport({len(self)} customers)"

    def _repr_html_(self) -> str:
        return f"<p>{self!r}</p>" + self.head(10).to_html()


def _column(df: Any, names: tuple[str, ...], field: str) -> pd.Series:
    """The first of ``names`` that ``df`` has (a Series passes through)."""
    if isinstance(df, pd.Series):
        return df
    for name in names:
        if name in df.columns:
            return df[name]
    raise MissingColumnError(
        f"`{field}`: expected a column {' or '.join(map(repr, names))}; the columns are {list(df.columns)}",
        field=field,
    )


def _flags(value: Any, decision: str, field: str) -> Optional[np.ndarray]:
    """A flag column as bytes (0, 1, 255 missing): a rule evaluation's ``decision == decision``
    or booleans (None / NA missing)."""
    if value is None:
        return None
    if isinstance(value, pd.DataFrame):
        if "decision" in value.columns:
            d = value["decision"]
            out = np.where(d.isna(), 255, (d.astype(object) == decision)).astype(np.uint8)
            return out
        value = _column(value, (field,), field)
    s = pd.Series(value)
    out = np.full(len(s), 255, dtype=np.uint8)
    known = ~s.isna().to_numpy()
    vals = s[known].to_numpy()
    bad = [i for i, v in enumerate(vals) if not isinstance(v, (bool, np.bool_)) and v not in (0, 1)]
    if bad:
        pos = int(np.flatnonzero(known)[bad[0]])
        raise InvalidValueError(f"`{field}`[{pos}]: expected true/false or missing, got {vals[bad[0]]!r}",
                                field=field, index=pos)
    out[known] = vals.astype(bool).astype(np.uint8)
    return out


def _latest_fee_due(fees: Any) -> Optional[pd.Series]:
    """The fee-schedule frame (customer × ``month``) as each customer's latest-month flag;
    ``None`` for anything else."""
    if not (isinstance(fees, pd.DataFrame) and isinstance(fees.index, pd.MultiIndex)
            and "month" in fees.index.names and "fee" in fees.columns):
        return None
    customer_level = next(i for i, name in enumerate(fees.index.names) if name != "month")
    latest = fees.sort_index().groupby(level=customer_level, sort=True)["fee"].last()
    return (latest > 0).rename("fee_due")


def _fee_flags_on(flags: pd.Series, index: Optional[pd.Index]) -> tuple[pd.Series, pd.Index]:
    """The latest-month fee flags on the report's customers: a customer without a month is
    missing; a fee customer the report does not hold is an error."""
    if index is None:
        return flags, flags.index
    extra = flags.index.difference(index)
    if len(extra):
        raise InvalidValueError(
            f"`fee_due`: customer {extra[0]!r} of the fee schedule is not a customer of the report "
            f"({len(extra)} such)", field="fee_due")
    return flags.astype(object).reindex(index), index


def _text(v: Any) -> Optional[str]:
    """A cell as text: a list of reasons joined with "; ", missing as None."""
    if isinstance(v, (list, tuple, np.ndarray)):
        return "; ".join(map(str, v))
    return None if pd.isna(v) else str(v)


def _texts(value: Any, names: tuple[str, ...], field: str, optional: bool = False) -> Optional[list]:
    if value is None:
        return None
    s = _column(value, names, field) if isinstance(value, pd.DataFrame) else pd.Series(value)
    out = [_text(v) for v in s.astype(object)]
    if not optional and any(v is None for v in out):
        pos = out.index(None)
        raise InvalidValueError(f"`{field}`[{pos}]: missing value", field=field, index=pos)
    return out


def customer_value_report(
    customers: Any = None,
    *,
    decomposition: Any = None,
    clv: Any = None,
    matrix: Any = None,
    stages: Any = None,
    levels: Any = None,
    churn_probability: Any = None,
    model: Any = None,
    summary: Any = None,
    horizon: Optional[float] = None,
    elastic: Any = None,
    big_customer_risk: Any = None,
    dormant: Any = None,
    fee_due: Any = None,
    selection: Any = None,
    playbook: Optional[Playbook] = None,
) -> CustomerValueReport:
    """One row per customer: values, segments, the selection decision and the next best action.

    Every input is optional and takes the result of the function that makes it; pandas inputs
    are aligned by index label (the first sets the order), arrays by position, and every column
    must have one value per customer (else ``cvm.LengthMismatchError`` naming it).

    Parameters
    ----------
    customers : index or array, optional
        The customer ids (default: the index of the first pandas input).
    decomposition : DataFrame
        :func:`cvm.value_decomposition` (``realised``, ``potential``, ``influence``).
    clv : Series or array
        Customer lifetime value.
    matrix : ValueMatrixResult or DataFrame
        :func:`cvm.value_matrix` (its ``customers`` frame: ``label``, ``strategy``).
    stages, levels : DataFrame or Series
        :func:`cvm.loyalty_stages` (``stage``) and :func:`cvm.loyalty_levels` (``level``).
    churn_probability : Series or array
        In [0, 1]; or give a fitted lifetime ``model``, its ``summary`` (``frequency``,
        ``recency``, ``T``) and a ``horizon`` for :func:`cvm.churn_probability` (the model's
        probability of no purchase in the horizon).
    elastic, dormant : DataFrame or Series
        The elastic-customer / dormant-account preset's evaluation (decision ``elastic`` /
        ``dormant``) or booleans; missing stays missing ("unknown" in the action's reason).
    big_customer_risk : DataFrame or Series
        The big-customer-risk evaluation (``high_risk``, ``watch``, ``low_risk``).
    fee_due : Series or DataFrame
        Booleans (or a ``fee_due`` column): the low-balance fee applies; or the frame of
        :func:`cvm.rules.fee_schedule` itself (indexed by customer and ``month``): each
        customer's latest month, flagged when its ``fee`` is above 0 (a customer without a
        month stays missing).
    selection : DataFrame
        A rule evaluation (:meth:`cvm.SelectionRules.evaluate`): ``decision`` and ``reasons``.
    playbook : Playbook, optional
        Default: :meth:`Playbook.default`.

    Returns
    -------
    CustomerValueReport

    Examples
    --------
    >>> import pandas as pd, cvm
    >>> ids = pd.Index(["a", "b"], name="customer")
    >>> r = cvm.customer_value_report(clv=pd.Series([900.0, 20.0], index=ids),
    ...                               churn_probability=pd.Series([0.8, 0.1], index=ids))
    >>> r.to_frame()["next_best_action"].str[:9].tolist()
    ['retain no', 'no action']
    >>> r.to_csv().splitlines()[0]
    'customer_id,clv,churn_probability,churn_band,next_best_action,action_reason'
    """
    if matrix is not None and hasattr(matrix, "customers"):
        matrix = matrix.customers
    if model is not None:
        if summary is None or churn_probability is not None:
            raise InvalidValueError("`model`: give the `summary` with the model, and no `churn_probability`",
                                    field="model")
        if horizon is None:
            raise InvalidValueError("`horizon`: the churn probability of a model needs a horizon "
                                    "(in the summary's time unit)", field="horizon")
        from .loyalty import churn_probability as _churn_probability

        churn_probability = _churn_probability(model, _convert.frame(summary, "summary"), horizon)
    fee_frame = _latest_fee_due(fee_due)
    if fee_frame is not None:
        fee_due = None
    inputs = {
        "decomposition": decomposition, "clv": clv, "matrix": matrix, "stages": stages, "levels": levels,
        "churn_probability": churn_probability, "elastic": elastic, "big_customer_risk": big_customer_risk,
        "dormant": dormant, "fee_due": fee_due, "selection": selection,
    }
    if customers is not None:
        ref = pd.Index(customers.index if isinstance(customers, pd.Series) else customers)
        inputs = {"customers": pd.Series(np.arange(len(ref)), index=ref), **inputs}
    aligned, index = _convert.align(inputs)
    if fee_frame is not None:
        aligned["fee_due"], index = _fee_flags_on(fee_frame, index)
    n = len(index) if index is not None else next(
        (len(v) for v in aligned.values() if v is not None and np.ndim(v) > 0), 0)
    if index is None:
        index = pd.RangeIndex(n)
    ids = [str(x) for x in index]
    a = aligned
    d = a["decomposition"]
    dec = {}
    if d is not None:
        for key in ("realised", "potential", "influence"):
            dec[key] = _convert.floats(_column(d, (key, f"{key}_value"), "decomposition"), f"{key}_value")
    opt_f = lambda x, f: None if x is None else _convert.floats(x, f)  # noqa: E731
    sel = a["selection"]
    native = _cvm.customer_value_report_native(
        ids,
        realised=dec.get("realised"),
        potential=dec.get("potential"),
        influence=dec.get("influence"),
        clv=opt_f(a["clv"], "clv"),
        matrix_cell=_texts(a["matrix"], ("label", "matrix_cell"), "matrix_cell"),
        strategy=_texts(a["matrix"], ("strategy",), "strategy"),
        loyalty_stage=_texts(a["stages"], ("stage", "loyalty_stage"), "loyalty_stage"),
        loyalty_level=_texts(a["levels"], ("level", "loyalty_level"), "loyalty_level"),
        churn_probability=opt_f(a["churn_probability"], "churn_probability"),
        elastic=_flags(a["elastic"], "elastic", "elastic"),
        big_customer_risk=_texts(a["big_customer_risk"], ("decision",), "big_customer_risk", optional=True),
        dormant=_flags(a["dormant"], "dormant", "dormant"),
        fee_due=_flags(a["fee_due"], "fee_due", "fee_due"),
        decision=_texts(sel, ("decision",), "decision"),
        decision_reasons=None if sel is None else _texts(sel, ("reasons",), "decision_reasons"),
        playbook=None if playbook is None else playbook.to_json(),
    )
    return CustomerValueReport(native, index)


class Campaign:
    """A campaign chosen by :func:`select_campaign`.

    Attributes
    ----------
    customers : pandas.DataFrame
        Indexed like the input: ``selected``, ``gain`` (``uplift × clv − cost``), ``cost``.
    expected_return, spend, upper_bound : float
        Sum of the gains and of the costs of the contacted customers; an upper bound on the best
        return (the return itself when ``exact``; the LP bound when greedy).
    exact : bool
        Exact dynamic programming (costs in whole cents, table within ``MAX_DP_CELLS``).
    n_selected : int
    last_in, first_out : label or None
        The marginal customers: the contacted one with the lowest gain per cost, and the
        uncontacted one worth contacting with the highest.
    comparison : pandas.DataFrame or None
        From :func:`compare_campaigns`: rows ``optimised``, ``top_by_clv``, ``random`` with
        ``expected_return``, ``spend``, ``n_selected``.
    """

    def __init__(self, out: dict, index: pd.Index) -> None:
        self.customers = pd.DataFrame(
            {"selected": out["selected"], "gain": out["gain"], "cost": out["cost"]}, index=index)
        self.expected_return = float(out["expected_return"])
        self.spend = float(out["spend"])
        self.upper_bound = float(out["upper_bound"])
        self.exact = bool(out["exact"])
        self.n_selected = int(out["n_selected"])
        label = lambda i: None if i is None else index[i]  # noqa: E731
        self.last_in = label(out["last_in"])
        self.first_out = label(out["first_out"])
        self.comparison: Optional[pd.DataFrame] = None
        self.random_sd: Optional[float] = None
        if "random" in out:
            rows = {"optimised": {"expected_return": self.expected_return, "spend": self.spend,
                                  "n_selected": float(self.n_selected)},
                    "top_by_clv": out["top_by_clv"], "random": out["random"]}
            self.comparison = pd.DataFrame(rows).T[["expected_return", "spend", "n_selected"]].astype(float)
            self.random_sd = float(out["random_sd"])

    def __repr__(self) -> str:
        kind = "exact" if self.exact else f"greedy, bound {self.upper_bound:,.2f}"
        return (f"Campaign({self.n_selected} contacted, spend {self.spend:,.2f}, "
                f"expected return {self.expected_return:,.2f}, {kind})")

    def _repr_html_(self) -> str:
        extra = "" if self.comparison is None else (
            "<p>Compared with the same budget</p>" + self.comparison.to_html(float_format=lambda x: f"{x:,.2f}"))
        return f"<div><p><b>{html.escape(repr(self))}</b></p>{extra}</div>"


def _campaign_args(clv: Any, uplift: Any, cost: Any, segment: Any):
    aligned, index = _convert.align({"clv": clv, "uplift": uplift, "cost": cost, "segment": segment})
    c = _convert.floats(aligned["clv"], "clv")
    u = aligned["uplift"]
    u = np.full(len(c), _convert.number(u, "uplift")) if np.ndim(u) == 0 else _convert.floats(u, "uplift")
    if index is None:
        index = pd.RangeIndex(len(c))
    cost = aligned["cost"]
    codes = None
    constant = False
    if isinstance(cost, Mapping):
        if aligned["segment"] is None:
            raise InvalidValueError("`cost`: a cost per segment needs the `segment` of each customer", field="cost")
        names = list(cost)
        seg = pd.Series(aligned["segment"]).astype(object).to_numpy()
        pos = {k: i for i, k in enumerate(names)}
        codes = np.empty(len(seg), dtype=np.uint64)
        for i, s in enumerate(seg):
            if s not in pos:
                raise InvalidValueError(
                    f"`segment`[{i}]: segment {s!r} has no cost; the costs are for {names}", field="segment", index=i)
            codes[i] = pos[s]
        cost = np.array([_convert.number(cost[k], f"cost[{k!r}]") for k in names], dtype=np.float64)
    elif np.ndim(cost) == 0:
        cost = np.array([_convert.number(cost, "cost")], dtype=np.float64)
        constant = True
    else:
        cost = _convert.floats(cost, "cost")
    return c, u, cost, codes, constant, index


def select_campaign(clv: Any, uplift: Any, cost: Any, budget: float, *, segment: Any = None,
                    method: str = "auto") -> Campaign:
    """Chooses whom to contact within ``budget`` to maximise the expected CLV gained.

    Contacting customer ``i`` gains ``uplift_i × clv_i − cost_i`` in expectation; the campaign
    maximises the total gain with total cost within the budget (a 0/1 knapsack). ``method``
    ``"auto"`` is exact (dynamic programming) when every cost is a whole number of cents and the
    table fits ``MAX_DP_CELLS`` (10⁸ cells), else greedy by gain per cost with the LP bound as
    ``upper_bound``; ``"exact"`` fails when exactness is impossible; ``"greedy"``.

    Parameters
    ----------
    clv : Series or array
    uplift : float, Series or array
        Expected response or retention uplift, a probability in [0, 1].
    cost : float, Series, array or dict
        One cost for all, one per customer, or a dict segment → cost with ``segment``.
    budget : float
    segment : Series or array, optional
        Each customer's segment (keys of ``cost``).

    Examples
    --------
    >>> import cvm
    >>> c = cvm.select_campaign([700.0, 1200.0, 1500.0, 50.0], 0.1, [10.0, 20.0, 30.0, 10.0], 50.0)
    >>> c.customers["selected"].tolist(), round(c.expected_return, 6), c.exact
    ([False, True, True, False], 220.0, True)
    >>> (c.last_in, c.first_out)
    (2, 0)
    """
    c, u, cost, codes, constant, index = _campaign_args(clv, uplift, cost, segment)
    out = _cvm.select_campaign_native(c, u, cost, _convert.number(budget, "budget"), _convert.text(method, "method"),
                                      constant_cost=constant, segment=codes)
    return Campaign(out, index)


def compare_campaigns(clv: Any, uplift: Any, cost: Any, budget: float, *, segment: Any = None,
                      method: str = "auto", draws: int = 100, seed: int = 0) -> Campaign:
    """:func:`select_campaign` with its ``comparison`` against two baselines, same budget.

    "Top-N by CLV" contacts customers by decreasing CLV and "random" in a seeded random order
    (averaged over ``draws``), each until the next customer no longer fits; both are scored
    with the same expected gain, so contacting customers whose gain is negative costs them.

    Examples
    --------
    >>> import cvm
    >>> c = cvm.compare_campaigns([1000.0, 400.0, 300.0, 50.0], [0.01, 0.2, 0.2, 0.5], 20.0, 40.0, seed=7)
    >>> c.comparison["expected_return"].round(6).tolist()[:2]
    [100.0, 50.0]
    """
    c, u, cost, codes, constant, index = _campaign_args(clv, uplift, cost, segment)
    out = _cvm.select_campaign_native(c, u, cost, _convert.number(budget, "budget"), _convert.text(method, "method"),
                                      constant_cost=constant, segment=codes, draws=_convert.whole(draws, "draws"),
                                      seed=_convert.whole(seed, "seed"))
    return Campaign(out, index)
