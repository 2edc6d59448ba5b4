"""Loyalty stages, loyalty levels, churn risk, churn types and stage migration.

* :func:`loyalty_stages` — the loyalty ladder (Christopher, Payne & Ballantyne 1991; Griffin 2002):
  ``suspect`` → ``prospect`` → ``first_time`` → ``repeat`` → ``advocate``, plus ``lapsed``;
* :func:`loyalty_levels` — Oliver's (1999) four loyalty phases, cognitive → affective → conative →
  action;
* :func:`churn_probability` and :func:`churn_risk` — the lifetime model's probability of no
  purchase over a horizon, a ranking score, bands, an at-risk flag and the value at risk;
* :func:`churn_types` — the churn taxonomy (active: natural, competitive, fault; passive:
  non-malicious, retaliatory) from reason fields;
* :func:`stage_migration` — the transition matrix between the ladder stages of two snapshots.

Every rule, threshold and reason text comes from the Rust core (``cvm_core::loyalty``); every
assignment carries its reason (``"lapsed: p_alive=0.12<0.5"``).
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np
import pandas as pd

from . import _convert, _cvm, _output
from .exceptions import InvalidValueError, UnknownNameError

__all__ = [
    "loyalty_stages",
    "loyalty_levels",
    "churn_risk",
    "churn_probability",
    "churn_types",
    "stage_migration",
    "StageMigration",
]

_NAMES = _cvm.loyalty_names()
_STAGES: list[str] = list(_NAMES["stage"])
_STATES: list[str] = list(_NAMES["state"])
_LEVELS: list[str] = list(_NAMES["level"])
_BANDS: list[str] = list(_NAMES["band"])
_CHURN_TYPES: list[str] = list(_NAMES["churn_type"])

_LADDER_FLAGS = ("purchased",)
_LADDER_COUNTS = ("interest", "referrals", "reviews", "recommendations", "p_alive")
_LEVEL_SIGNALS = ("belief_better", "satisfaction", "repurchase_intent", "repeat_despite_obstacles")
_CHURN_REASONS = ("moved_or_died", "competitor", "our_fault", "dissatisfied", "payment_lapse")


# -- conversions -------------------------------------------------------------------------------
def _categorical(codes: np.ndarray, names: list[str], ordered: bool = True) -> pd.Categorical:
    return _convert.categorical(codes, names, ordered)


def _check_columns(df: pd.DataFrame, valid: tuple[str, ...], field: str) -> None:
    for name in df.columns:
        if name not in valid:
            err = UnknownNameError(f"`{field}`: unknown column {name!r} (valid: {', '.join(valid)})", field=field)
            err.value, err.valid = str(name), list(valid)
            raise err


def _aligned(signals: Any, index: pd.Index, field: str = "signals") -> pd.DataFrame:
    """``signals`` reordered to ``index``; a different set of labels is an error naming ``field``."""
    signals = _convert.frame(signals, field)
    if signals.index.equals(index):
        return signals
    if signals.index.has_duplicates:
        bad = _convert.first_true(signals.index.duplicated())
        raise InvalidValueError(f"`{field}`[{bad}]: duplicate index label {signals.index[bad]!r}", field=field, index=bad)
    missing = _convert.first_true(~index.isin(signals.index))
    if missing is not None:
        raise InvalidValueError(
            f"`{field}`[{missing}]: no row for customer {index[missing]!r} of the summary (signals are aligned by index)",
            field=field,
            index=missing,
        )
    extra = _convert.first_true(~signals.index.isin(index))
    if extra is not None:
        raise InvalidValueError(
            f"`{field}`[{extra}]: customer {signals.index[extra]!r} is not in the summary (signals are aligned by index)",
            field=field,
            index=extra,
        )
    return signals.reindex(index)


def _flags(values: pd.Series, field: str) -> np.ndarray:
    """A boolean column (bool, or numbers 0/1) → contiguous bool; anything else names the index."""
    if values.dtype == bool:
        return _convert.carray(values.to_numpy(dtype=bool))
    raw = values.to_numpy(dtype=object)
    for i, v in enumerate(raw):
        ok = isinstance(v, (bool, np.bool_)) or (
            isinstance(v, (int, float, np.integer, np.floating)) and v in (0, 1)
        )
        if not ok:
            raise InvalidValueError(f"`{field}`[{i}]: must be a boolean (True/False or 0/1), got {v!r}", field=field, index=i)
    return _convert.carray(raw.astype(bool))


def _numbers(values: pd.Series, field: str) -> np.ndarray:
    """A numeric (or boolean) column → float64; a non-numeric entry names the index. NaN passes
    through to the core, which rejects or accepts it by its own rules."""
    if values.dtype.kind in "biuf":  # also the nullable dtypes: <NA> becomes NaN
        return _convert.floats(values, field)
    parsed = pd.to_numeric(values, errors="coerce")
    bad = _convert.first_true((parsed.isna() & values.notna()).to_numpy())
    if bad is not None:
        raise InvalidValueError(f"`{field}`[{bad}]: must be a number, got {values.iloc[bad]!r}", field=field, index=bad)
    return _convert.floats(parsed, field)


def _check_model(model: Any) -> None:
    """``model`` is None or predicts like a transaction model (a TypeError naming ``model``
    otherwise, e.g. for a spend model)."""
    if model is not None and not hasattr(model, "probability_alive"):
        from .exceptions import InvalidTypeError

        raise InvalidTypeError(
            f"`model`: expected a fitted BetaGeo, ModifiedBetaGeo or ParetoNBD model, got {_convert.type_name(model)}",
            field="model",
        )


def _summary(summary: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    summary = _convert.frame(summary, "summary")
    for name in ("frequency", "recency", "T"):
        if name not in summary.columns:
            raise _convert.missing_column(name, summary.columns, "the summary")
    return (
        _convert.floats(summary["frequency"], "frequency"),
        _convert.floats(summary["recency"], "recency"),
        _convert.floats(summary["T"], "T"),
    )


# -- the ladder --------------------------------------------------------------------------------
@_output.tables
def loyalty_stages(
    summary: pd.DataFrame,
    signals: Optional[pd.DataFrame] = None,
    model: Any = None,
    *,
    lapse_window: Optional[float] = None,
    p_alive_threshold: Optional[float] = None,
    prospect_min_interest: Optional[float] = None,
    repeat_min_frequency: Optional[float] = None,
    advocate_min_referrals: Optional[float] = None,
    advocate_min_reviews: Optional[float] = None,
    advocate_min_recommendations: Optional[float] = None,
    output: str = "pandas",
) -> pd.DataFrame:
    """Place every customer on the loyalty ladder, with the reason for each stage.

    Rules, tried in order (the first that applies decides):

    1. never purchased (``purchased`` false): ``prospect`` when ``interest >=
       prospect_min_interest``, else ``suspect``;
    2. ``lapsed`` when P(alive) (from ``model`` or the ``p_alive`` signal) ``< p_alive_threshold``;
    3. ``lapsed`` when ``T - recency > lapse_window``;
    4. ``frequency >= repeat_min_frequency``: ``advocate`` when referrals, reviews or
       recommendations (in this order) meet their threshold, else ``repeat``;
    5. otherwise ``first_time``.

    Parameters
    ----------
    summary : pandas.DataFrame
        Customer summary with ``frequency``, ``recency`` and ``T`` (one time unit), e.g. from
        :func:`cvm.summary_from_transactions`. Customers who never purchased have a row with
        ``frequency = recency = 0`` and ``purchased = False`` in ``signals``.
    signals : pandas.DataFrame, optional
        Indexed like ``summary`` (aligned by index; other labels are an error naming
        ``signals``). Columns, all optional: ``purchased`` (bool; default all True),
        ``interest`` (enquiries, visits, quotes), ``referrals``, ``reviews``,
        ``recommendations`` (counts ≥ 0; bools count as 0/1) and ``p_alive`` (in [0, 1]).
    model : BetaGeo, ModifiedBetaGeo or ParetoNBD, optional
        A fitted model: P(alive) at T is computed from it for rule 2 (not with a ``p_alive``
        signal).
    lapse_window : float, optional
        No purchase for longer than this (summary time unit) is lapsed (default: no window).
    p_alive_threshold : float, optional
        In (0, 1]; default 0.5.
    prospect_min_interest, repeat_min_frequency, advocate_min_referrals, advocate_min_reviews, advocate_min_recommendations : float, optional
        Count thresholds (> 0), compared with ``>=``; default 1 each.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``summary``: ``stage`` (ordered Categorical in ladder order) and ``reasons``
        (text, e.g. ``"repeat: frequency=3>=1"``).

    Raises
    ------
    InvalidInputError
        Bad summary values, signals of the wrong length, type or index, NaN P(alive), thresholds
        outside their domain (``field`` and ``index`` name the first offending value).

    Examples
    --------
    >>> import pandas as pd, cvm
    >>> summary = pd.DataFrame({"frequency": [0, 0, 0, 2, 4, 1], "recency": [0, 0, 0, 10, 30, 2],
    ...                         "T": [0, 0, 5, 12, 31, 40]}, index=[11, 12, 13, 14, 15, 16])
    >>> signals = pd.DataFrame({"purchased": [False, False, True, True, True, True],
    ...                         "interest": [0, 2, 0, 0, 0, 0], "referrals": [0, 0, 0, 0, 3, 0]},
    ...                        index=summary.index)
    >>> out = cvm.loyalty_stages(summary, signals, lapse_window=26)
    >>> out["stage"].tolist()
    ['suspect', 'prospect', 'first_time', 'repeat', 'advocate', 'lapsed']
    >>> out.loc[16, "reasons"]
    'lapsed: T-recency=38>=26'
    """
    summary = _convert.frame(summary, "summary")
    _check_model(model)
    _convert.check_numbers(
        lapse_window=lapse_window, p_alive_threshold=p_alive_threshold, prospect_min_interest=prospect_min_interest,
        repeat_min_frequency=repeat_min_frequency, advocate_min_referrals=advocate_min_referrals,
        advocate_min_reviews=advocate_min_reviews, advocate_min_recommendations=advocate_min_recommendations,
    )
    f, r, t = _summary(summary)
    cols: dict[str, np.ndarray] = {}
    if signals is not None:
        signals = _aligned(signals, summary.index)
        _check_columns(signals, _LADDER_FLAGS + _LADDER_COUNTS, "signals")
        for name in signals.columns:
            conv = _flags if name in _LADDER_FLAGS else _numbers
            cols[name] = conv(signals[name], name)
    if model is not None:
        if "p_alive" in cols:
            raise InvalidValueError("`p_alive`: give either a fitted model or a p_alive signal, not both", field="p_alive")
        cols["p_alive"] = np.asarray(model.probability_alive(f, r, t), dtype=np.float64)
    d = _cvm.loyalty_stages_native(
        f, r, t,
        cols.get("purchased"), cols.get("interest"), cols.get("referrals"), cols.get("reviews"),
        cols.get("recommendations"), cols.get("p_alive"),
        prospect_min_interest, repeat_min_frequency, advocate_min_referrals, advocate_min_reviews,
        advocate_min_recommendations, p_alive_threshold, lapse_window,
    )  # fmt: skip
    reasons = _convert.coded_text(d["reasons"], summary.index)
    return pd.DataFrame({"stage": _categorical(d["stage"], _STAGES), "reasons": reasons}, index=summary.index)


# -- loyalty levels ----------------------------------------------------------------------------
@_output.tables
def loyalty_levels(
    signals: pd.DataFrame,
    *,
    belief_threshold: Optional[float] = None,
    satisfaction_threshold: Optional[float] = None,
    intent_threshold: Optional[float] = None,
    obstacles_threshold: Optional[float] = None,
    rule: str = "cumulative",
    missing: str = "error",
    output: str = "pandas",
) -> pd.DataFrame:
    """Oliver's loyalty level of every customer (none, cognitive, affective, conative, action).

    Each level has one condition, ``signal >= threshold``: cognitive — ``belief_better``
    (default 0.5), affective — ``satisfaction`` (default 4, e.g. on 1–5), conative —
    ``repurchase_intent`` (default 4), action — ``repeat_despite_obstacles`` (default 1). With
    ``rule="cumulative"`` (default) the phases are sequential: climbing from cognitive, a holding
    condition raises the level, an unobserved one (column absent, or NaN with
    ``missing="unobserved"``) is skipped, the first failing one stops the climb. With
    ``rule="highest"``: the highest level whose own condition holds.

    Parameters
    ----------
    signals : pandas.DataFrame
        One row per customer, at least one of the four signal columns (numbers; bools as 0/1).
    belief_threshold, satisfaction_threshold, intent_threshold : float, optional
        Finite thresholds.
    obstacles_threshold : float, optional
        Threshold (> 0) of ``repeat_despite_obstacles``.
    rule : {"cumulative", "highest"}
    missing : {"error", "unobserved"}
        What a NaN means.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``signals``: ``level`` (ordered Categorical) and ``reasons`` (e.g.
        ``"cognitive: belief_better=1>=0.5; satisfaction=3<4"``).

    Examples
    --------
    >>> import pandas as pd, cvm
    >>> signals = pd.DataFrame({"belief_better": [1, 1, 0], "satisfaction": [5, 3, 5],
    ...                         "repurchase_intent": [4, 5, 5], "repeat_despite_obstacles": [0, 2, 3]})
    >>> out = cvm.loyalty_levels(signals)
    >>> out["level"].tolist()
    ['conative', 'cognitive', 'none']
    >>> out.loc[1, "reasons"]
    'cognitive: belief_better=1>=0.5; satisfaction=3<4'
    """
    signals = _convert.frame(signals, "signals")
    signals = _convert.frame(signals, "signals")
    _check_columns(signals, _LEVEL_SIGNALS, "signals")
    _convert.check_numbers(
        belief_threshold=belief_threshold, satisfaction_threshold=satisfaction_threshold,
        intent_threshold=intent_threshold, obstacles_threshold=obstacles_threshold,
    )
    cols = {name: _numbers(signals[name], name) for name in signals.columns}
    belief, satisfaction, intent, obstacles = (cols.get(name) for name in _LEVEL_SIGNALS)
    d = _cvm.loyalty_levels_native(
        belief, satisfaction, intent, obstacles,
        belief_threshold, satisfaction_threshold, intent_threshold, obstacles_threshold, str(rule), str(missing),
    )  # fmt: skip
    reasons = _convert.coded_text(d["reasons"], signals.index)
    return pd.DataFrame({"level": _categorical(d["level"], _LEVELS), "reasons": reasons}, index=signals.index)


# -- churn -------------------------------------------------------------------------------------
def _lifetime_model(model: Any, summary: pd.DataFrame) -> tuple[Any, str]:
    """The native model behind a fitted lifetime model and the name of its age column (``T``,
    or ``n_periods`` for the BG/BB); errors name ``model``."""
    from .exceptions import InvalidTypeError
    from .lifetime2 import BetaGeoBetaBinom

    if model is None or not hasattr(model, "_fitted") or not (
            hasattr(model, "probability_alive") or isinstance(model, BetaGeoBetaBinom)):
        raise InvalidTypeError(
            "`model`: expected a fitted BetaGeo, ModifiedBetaGeo, ParetoNBD or BetaGeoBetaBinom, got "
            f"{_convert.type_name(model)}", field="model")
    _convert.check_summary_unit(summary, getattr(model, "time_unit_", None))
    return model._fitted, ("n_periods" if isinstance(model, BetaGeoBetaBinom) else "T")


def _history(summary: pd.DataFrame, age: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    summary = _convert.frame(summary, "summary")
    for name in ("frequency", "recency", age):
        if name not in summary.columns:
            raise _convert.missing_column(name, summary.columns, "the summary")
    return tuple(_convert.floats(summary[c], c) for c in ("frequency", "recency", age))  # type: ignore[return-value]


def churn_probability(model: Any, summary: pd.DataFrame, horizon: float) -> pd.Series:
    """The model's probability that each customer makes no purchase in ``(T, T + horizon]``.

    Closed forms for the BG/NBD, MBG/NBD (``1 − P(alive) + P(alive)·((α+T)/(α+T+h))^(r+x)``)
    and BG/BB (horizon in whole opportunities), one quadrature for the Pareto/NBD; for a new
    customer it is the model's ``P(X(horizon) = 0)``. See ``docs/churn.md``.

    Parameters
    ----------
    model : BetaGeo, ModifiedBetaGeo, ParetoNBD or BetaGeoBetaBinom
        A fitted model.
    summary : pandas.DataFrame
        ``frequency``, ``recency`` and ``T`` (``n_periods`` for the BG/BB) in the model's unit.
    horizon : float
        In the summary's unit (> 0; a whole number of periods up to 1e6 for the BG/BB).

    Returns
    -------
    pandas.Series
        Indexed like ``summary``, named ``churn_probability``.

    Examples
    --------
    >>> import pandas as pd, cvm
    >>> m = cvm.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> s = pd.DataFrame({"frequency": [0.0, 6.0], "recency": [0.0, 36.0], "T": [0.0, 38.0]})
    >>> cvm.churn_probability(m, s, 39.0).round(3).tolist()
    [0.574, 0.141]
    """
    summary = _convert.frame(summary, "summary")
    native, age = _lifetime_model(model, summary)
    f, r, t = _history(summary, age)
    with _convert.rows_labelled(summary.index, ("frequency", "recency", age)):
        p = _cvm.churn_probability_native(native, f, r, t, _convert.number(horizon, "horizon"))
    return pd.Series(p, index=summary.index, name="churn_probability")


@_output.tables
def churn_risk(
    model: Any,
    summary: pd.DataFrame,
    horizon: float,
    clv: Any = None,
    *,
    medium_threshold: Optional[float] = None,
    high_threshold: Optional[float] = None,
    at_risk_threshold: Optional[float] = None,
    output: str = "pandas",
) -> pd.DataFrame:
    """Churn probability, ranking score, band, at-risk flag and value at risk of every customer.

    ``probability`` is :func:`churn_probability` over ``horizon``; ``score = exp(−E)`` with
    ``E`` the expected purchases in the horizon ranks customers (on CDNOW it ranks the 39-week
    holdout better than the weeks since the last purchase for the BG/NBD, MBG/NBD and
    Pareto/NBD, where the probability does not; ``docs/churn.md``). Bands cut the probability at
    1/3 and 2/3, at risk from 0.5 (a threshold is reached at equality); ``value_at_risk =
    probability × clv``. Calibrate the probability on your own history with
    :class:`cvm.ChurnCalibrator`.

    Parameters
    ----------
    model : BetaGeo, ModifiedBetaGeo, ParetoNBD or BetaGeoBetaBinom
        A fitted model (the weighted heuristic without a model was removed: it ranked CDNOW's
        holdout at AUC 0.665, below the recency baseline's 0.771).
    summary : pandas.DataFrame
        ``frequency``, ``recency``, ``T`` (``n_periods`` for the BG/BB) in the model's unit.
    horizon : float
        The churn horizon in the summary's unit.
    clv : Series or array, optional
        Customer lifetime value, aligned with ``summary`` (by label for a Series).
    medium_threshold, high_threshold, at_risk_threshold : float, optional
        In (0, 1]; errors name them.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``summary``: ``probability``, ``score``, ``band`` (ordered Categorical low <
        medium < high), ``at_risk``, ``p_alive``, ``expected_purchases``,
        ``since_last_purchase``, ``value_at_risk`` (with ``clv``) and ``reason``;
        ``attrs["horizon"]``.

    Examples
    --------
    >>> import pandas as pd, cvm
    >>> m = cvm.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> s = pd.DataFrame({"frequency": [0.0, 6.0], "recency": [0.0, 36.0], "T": [38.0, 38.0]})
    >>> out = cvm.churn_risk(m, s, 39.0)
    >>> out["band"].tolist(), out["at_risk"].tolist()
    (['high', 'low'], [True, False])
    >>> out["reason"].iloc[1]
    'P(no purchase in 39) = 0.141: P(alive) 0.874, expected purchases 4, 2 since the last purchase'
    """
    summary = _convert.frame(summary, "summary")
    native, age = _lifetime_model(model, summary)
    _convert.check_numbers(horizon=horizon, medium_threshold=medium_threshold, high_threshold=high_threshold,
                           at_risk_threshold=at_risk_threshold)
    f, r, t = _history(summary, age)
    if clv is not None:
        aligned, _ = _convert.align({"summary": summary, "clv": clv})
        clv = _convert.floats(aligned["clv"], "clv")
    with _convert.rows_labelled(summary.index, ("frequency", "recency", age, "clv")):
        d = _cvm.churn_risk_native(native, f, r, t, _convert.number(horizon, "horizon"), clv,
                                   medium_threshold, high_threshold, at_risk_threshold)
    cols = {
        "probability": d["probability"],
        "score": d["score"],
        "band": _categorical(d["band"], _BANDS),
        "at_risk": d["at_risk"],
        "p_alive": d["p_alive"],
        "expected_purchases": d["expected_purchases"],
        "since_last_purchase": d["since_last_purchase"],
    }
    if "value_at_risk" in d:
        cols["value_at_risk"] = d["value_at_risk"]
    cols["reason"] = _convert.coded_text(d["reason"], summary.index)
    out = pd.DataFrame(cols, index=summary.index)
    out.attrs["horizon"] = float(horizon)
    return out


@_output.tables
def churn_types(reasons: pd.DataFrame, *, output: str = "pandas") -> pd.DataFrame:
    """Churn type of every customer from reason fields (the first set, in rule order, decides).

    1. ``moved_or_died`` → ``active_natural``; 2. ``competitor`` → ``active_competitive``;
    3. ``our_fault`` → ``active_fault``; 4. ``dissatisfied`` → ``passive_retaliatory``;
    5. ``payment_lapse`` → ``passive_non_malicious``; 6. none set → ``unknown``.

    Parameters
    ----------
    reasons : pandas.DataFrame
        One row per customer, at least one of the five columns, each boolean (True/False or
        0/1; anything else is an error naming the column and row).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``reasons``: ``churn_type`` (Categorical), ``cause`` (the deciding column,
        None for unknown) and ``reasons`` (e.g. ``"active_competitive: competitor"``).

    Examples
    --------
    >>> import pandas as pd, cvm
    >>> df = pd.DataFrame({"competitor": [True, False, False], "dissatisfied": [True, True, False],
    ...                    "payment_lapse": [False, True, True]})
    >>> cvm.churn_types(df)["churn_type"].tolist()
    ['active_competitive', 'passive_retaliatory', 'passive_non_malicious']
    """
    reasons = _convert.frame(reasons, "reasons")
    _check_columns(reasons, _CHURN_REASONS, "reasons")
    cols = {name: _flags(reasons[name], name) for name in reasons.columns}
    d = _cvm.churn_types_native(*(cols.get(name) for name in _CHURN_REASONS))
    return pd.DataFrame(
        {
            "churn_type": _categorical(d["churn_type"], _CHURN_TYPES, ordered=False),
            "cause": _convert.named_codes(d["cause"], d["cause_names"], reasons.index),
            "reasons": _convert.coded_text(d["reasons"], reasons.index),
        },
        index=reasons.index,
    )


# -- migration ---------------------------------------------------------------------------------
class StageMigration:
    """The transition between the ladder stages of two snapshots (from :func:`stage_migration`).

    Attributes
    ----------
    counts : pandas.DataFrame
        Customers per (stage before, stage after): rows ``before``, columns ``after`` (every
        stage, plus ``new`` / ``gone`` under the outer join).
    rates : pandas.DataFrame
        ``counts`` divided by the row totals (0 for an empty row).
    moves : pandas.DataFrame
        Indexed by customer id: ``before``, ``after``.
    """

    def __init__(self, counts: pd.DataFrame, rates: pd.DataFrame, moves: pd.DataFrame, policy: str):
        self.counts = counts
        self.rates = rates
        self.moves = moves
        self.policy = policy

    def count(self, before: str, after: str) -> int:
        """Customers who moved from stage ``before`` to ``after``."""
        count: Any = self.counts.loc[before, after]
        return int(count)

    def rate(self, before: str, after: str) -> float:
        """The share of the ``before`` customers who moved to ``after``."""
        rate: Any = self.rates.loc[before, after]
        return float(rate)

    def __repr__(self) -> str:
        return f"StageMigration({len(self.moves)} customers, policy={self.policy!r})\n{self.counts.to_string()}"

    def _repr_html_(self) -> str:
        return (
            f"<div><p><b>Stage migration</b> — {len(self.moves)} customers, policy {self.policy}</p>"
            f"<p>Counts (rows: before, columns: after)</p>{self.counts.to_html()}"
            f"<p>Row rates</p>{self.rates.to_html(float_format=lambda x: f'{x:.3f}')}</div>"
        )


def _stage_series(snapshot: Any, field: str) -> pd.Series:
    if _convert.is_table(snapshot):
        snapshot = _convert.frame(snapshot, field)
        if "stage" not in snapshot.columns:
            raise InvalidValueError(f"`{field}`: no `stage` column", field=field)
        return snapshot["stage"]
    if isinstance(snapshot, pd.Series):
        return snapshot
    raise InvalidValueError(
        f"`{field}`: expected the output of loyalty_stages or a stage Series, got {type(snapshot).__name__}",
        field=field,
    )


def _stage_codes(stages: pd.Series, field: str) -> np.ndarray:
    if isinstance(stages.dtype, pd.CategoricalDtype) and list(stages.cat.categories) == _STAGES:
        codes = stages.cat.codes.to_numpy()
        bad = _convert.first_true(codes < 0)
        if bad is not None:
            raise InvalidValueError(f"`{field}`[{bad}]: missing stage", field=field, index=bad)
        return _convert.carray(codes, dtype=np.uint8)
    return _cvm.parse_stages([str(s) for s in stages.to_numpy(dtype=object)], field)


def _snapshot_ids(ib: pd.Index, ia: pd.Index):
    """The customer ids of two snapshots as int64 arrays for the core, and the labels the codes
    stand for (``None`` when the ids are integers already)."""
    if ib.dtype.kind in "iu" and ia.dtype.kind in "iu" and ib.dtype != np.uint64 and ia.dtype != np.uint64:
        return (_convert.carray(ib.to_numpy(), dtype=np.int64),
                _convert.carray(ia.to_numpy(), dtype=np.int64), None)
    for idx, field in ((ib, "ids_before"), (ia, "ids_after")):
        bad = _convert.first_true(np.asarray(idx.isna()))
        if bad is not None:
            raise InvalidValueError(f"`{field}`[{bad}]: missing customer id", field=field, index=bad)
    codes, labels = pd.factorize(ib.append(ia))
    return (_convert.carray(codes[: len(ib)], dtype=np.int64),
            _convert.carray(codes[len(ib):], dtype=np.int64), labels)


def stage_migration(before: Any, after: Any, policy: str = "strict") -> StageMigration:
    """Transition counts, rates and per-customer moves between two ladder snapshots.

    Parameters
    ----------
    before, after : pandas.DataFrame or pandas.Series
        Outputs of :func:`loyalty_stages` (their ``stage`` column) or stage Series (names or the
        Categorical), indexed by customer id.
    policy : {"strict", "outer_join"}
        ``strict`` (default): both snapshots must hold the same customers — the first customer
        of ``before`` missing from ``after`` (else of ``after`` missing from ``before``) is an
        error naming ``ids_before`` (``ids_after``) and its position. ``outer_join``: a customer
        only in ``before`` moves to ``gone``, one only in ``after`` comes from ``new``.

    Returns
    -------
    StageMigration
        ``.counts``, ``.rates`` (DataFrames, rows = before, columns = after) and ``.moves``.

    Examples
    --------
    >>> import pandas as pd, cvm
    >>> before = pd.Series(["first_time", "first_time", "repeat"], index=[1, 2, 3])
    >>> after = pd.Series(["repeat", "lapsed", "advocate"], index=[1, 2, 3])
    >>> m = cvm.stage_migration(before, after)
    >>> m.count("first_time", "repeat"), m.rate("first_time", "lapsed")
    (1, 0.5)
    >>> m.moves.loc[3].tolist()
    ['repeat', 'advocate']
    """
    sb, sa = _stage_series(before, "before"), _stage_series(after, "after")
    codes_b, codes_a = _stage_codes(sb, "stages_before"), _stage_codes(sa, "stages_after")
    ids_b, ids_a, labels = _snapshot_ids(sb.index, sa.index)
    d = _cvm.stage_migration_native(ids_b, codes_b, ids_a, codes_a, str(policy))
    rows = pd.Index(d["rows"], name="before")
    columns = pd.Index(d["columns"], name="after")
    counts = pd.DataFrame(np.asarray(d["counts"], dtype=np.int64).reshape(len(rows), len(columns)), index=rows, columns=columns)
    rates = pd.DataFrame(np.asarray(d["rates"], dtype=np.float64).reshape(len(rows), len(columns)), index=rows, columns=columns)
    ids = d["ids"] if labels is None else labels[d["ids"]]
    index = pd.Index(ids, name=sb.index.name or sa.index.name or "customer_id")
    moves = pd.DataFrame(
        {"before": _categorical(d["from"], _STATES, False), "after": _categorical(d["to"], _STATES, False)},
        index=index,
    )
    return StageMigration(counts, rates, moves, "outer_join" if "gone" in d["columns"] else "strict")
