"""Ready-made selection rule sets (``cvm.rules.good_customer(...)`` …).

Every preset returns a :class:`cvm.SelectionRules`: thresholds are keyword options with the
documented defaults, ``columns`` maps the preset's default column names to yours, and the result
serializes to JSON like any other rule set. The presets are built by the core
(``cvm_core::selection::presets``); see ``docs/rules.md`` for their criteria.
"""

from __future__ import annotations

from typing import Any, Mapping, Optional, Sequence

from . import _cvm
from .selection import SelectionRules

__all__ = [
    "good_customer",
    "big_customer_risk",
    "elastic_customer",
    "dormant_account",
    "positioning_fit",
    "matching_partner",
    "names",
    "fee_schedule",
    "default_fee_schedule",
    "dormant_transitions",
]
__all__ += ["positioning_fit", "matching_partner"]


def _preset(name: str, options: dict, columns: Optional[Mapping[str, str]]) -> SelectionRules:
    numbers = [(k, v) for k, v in options.items() if not isinstance(v, str)]
    texts = [(k, v) for k, v in options.items() if isinstance(v, str)]
    if columns is not None and not isinstance(columns, Mapping):
        from ._convert import type_name
        from .exceptions import InvalidTypeError

        raise InvalidTypeError(
            f"`columns`: expected a mapping of default column names to yours, got {type_name(columns)}",
            field="columns",
        )
    renames = list((columns or {}).items())
    return SelectionRules(_cvm.RuleSet.preset(name, numbers, texts, renames))


def names() -> list[str]:
    """Names of the presets.

    Examples
    --------
    >>> import cvm
    >>> cvm.rules.names()  # doctest: +NORMALIZE_WHITESPACE
    ['good_customer', 'big_customer_risk', 'elastic_customer', 'dormant_account',
     'positioning_fit', 'matching_partner']
    """
    return list(_cvm.preset_names())


def good_customer(
    columns: Optional[Mapping[str, str]] = None,
    omit: Optional[Sequence[str]] = None,
    **thresholds: float,
) -> SelectionRules:
    """The good-customer profile: twelve criteria of weight 1 and a bad-debt veto.

    Criteria (default columns): ``purchase_capacity`` (``annual_spend`` and
    ``purchase_frequency`` in the top quartile of the data, ``≥ p75``), ``high_margin_focus``
    (``high_margin_share ≥ 0.3``), ``profitability`` (``profit_margin ≥ 0.15``),
    ``price_insensitivity`` (``discount_share ≤ 0.1``), ``timely_payment`` (``days_late ≤ 30``),
    ``credit_standing`` (``credit_score ≥ p50``), ``low_service_cost``
    (``service_cost_ratio ≤ 0.1``), ``loyalty`` (``tenure_years ≥ 2``, ``repeat_rate ≥ 0.5``,
    ``p_alive ≥ 0.7``), ``growth_potential`` (``clv_growth ≥ 1.2``), ``partnership``
    (``willing_to_partner``), ``teaches_firm`` (``teaches_firm``: new requirements that teach
    the firm), ``strategic_fit`` (``strategic_fit``). Hard rule ``bad_debt`` (``bad_debt > 0``)
    → ``decline``. Decisions, as shares of the criteria kept: ``target`` ≥ 0.75 (9 of 12),
    ``develop`` ≥ 0.55 (7), ``maintain`` ≥ 0.3 (4), else ``review``. A customer with a missing
    value is ``review`` only when the missing answer could change the decision.

    Parameters
    ----------
    columns : mapping, optional
        Default column name → your column name, e.g. ``{"clv_growth": "growth"}``.
    omit : sequence of str, optional
        Criteria left out for data you do not hold, e.g. ``["teaches_firm"]``.
    **thresholds : float
        ``min_annual_spend`` (absolute, instead of ``spend_quantile`` = 0.75),
        ``min_purchase_frequency`` (instead of ``frequency_quantile`` = 0.75),
        ``min_credit_score`` (instead of ``credit_quantile`` = 0.5), ``min_high_margin_share``,
        ``min_profit_margin``, ``max_discount_share``, ``max_days_late``, ``max_bad_debt``,
        ``max_service_cost_ratio``, ``min_tenure_years``, ``min_repeat_rate``, ``min_p_alive``,
        ``min_clv_growth``, ``target_share``, ``develop_share``, ``maintain_share``.

    Raises
    ------
    UnknownNameError
        An unknown threshold (``field="options"``, ``valid`` lists them) or criterion in
        ``omit`` (``field="omit"``).
    InvalidValueError
        A non-finite threshold or a quantile outside [0, 1] (``field`` = its name); a column the
        preset does not read (``field="columns"``, ``index`` = its position).

    Examples
    --------
    >>> import cvm
    >>> rules = cvm.rules.good_customer(min_p_alive=0.5, columns={"clv_growth": "growth"})
    >>> rules.decision_names
    ['target', 'develop', 'maintain', 'review', 'decline']
    >>> "growth" in rules.attributes
    True
    >>> len(cvm.rules.good_customer(omit=["teaches_firm", "strategic_fit"]).rule_names)
    11
    """
    options: dict[str, Any] = dict(thresholds)
    if omit is not None:
        options["omit"] = ",".join([omit] if isinstance(omit, str) else omit)
    return _preset("good_customer", options, columns)


def big_customer_risk(
    columns: Optional[Mapping[str, str]] = None, **thresholds: float
) -> SelectionRules:
    """Big ≠ good: risk flags of big customers, one point each.

    "Big" is a share of revenue: ``revenue_share`` (revenue ÷ total revenue) below the 80th
    percentile of the data (``big_quantile``; or below ``min_revenue_share``) → ``not_big``.
    Flags: ``heavy_discount`` (``discount_share > 0.2``), ``high_service_cost``
    (``service_cost_ratio > 0.15``), ``payment_risk`` (``days_late > 60`` or ``bad_debt > 0``),
    ``churn_risk`` (``p_alive < 0.5``), ``management_risk`` (``cross_territory_selling`` or
    ``unauthorised_price_change``), ``go_it_alone_risk`` (``going_it_alone``). Decisions:
    ``high_risk`` ≥ 2 flags, ``watch`` ≥ 1, else ``low_risk``; ``review`` when a missing value
    could change that.

    Thresholds: ``max_discount_share``, ``max_service_cost_ratio``, ``max_days_late``,
    ``max_bad_debt``, ``min_p_alive``, ``min_revenue_share``, ``big_quantile``,
    ``high_risk_flags``, ``watch_flags``; ``columns`` and errors as :func:`good_customer`.

    Examples
    --------
    >>> import cvm
    >>> cvm.rules.big_customer_risk().rule_names  # doctest: +NORMALIZE_WHITESPACE
    ['heavy_discount', 'high_service_cost', 'payment_risk', 'churn_risk', 'management_risk',
     'go_it_alone_risk', 'not_big']
    """
    return _preset("big_customer_risk", thresholds, columns)


def elastic_customer(
    columns: Optional[Mapping[str, str]] = None, **options: float
) -> SelectionRules:
    """Elastic customers: negative short-term value, positive lifetime value, worth keeping
    when the preconditions hold and at least 2 qualifiers are met.

    Hard rules in order: ``short_term_value`` (``current_value ≥ 0``) and ``lifetime_value``
    (``lifetime_value ≤ 0``) → ``not_elastic``; ``implicit_value``
    (``implicit_value_ratio < 1``), ``service_capacity`` (``within_service_capacity`` false) and
    ``finances`` (``financially_sound`` false) → ``decline``. Qualifiers: ``growing_industry``,
    ``frequent_small_transactions`` (``purchase_frequency ≥ 12`` and
    ``avg_transaction_value ≤ 100``), ``price_insensitive`` (``discount_share ≤ 0.1``),
    ``innovation`` (innovative or technology-leading), ``market_influence``, ``enterprising``
    (enterprising and willing to share risk). Decisions: ``elastic`` ≥ 2 qualifiers, else
    ``review``; a missing value sends the customer to ``review`` only when it could change the
    decision. The ``strategy`` column of the evaluation gives the source's service strategy:
    ``"try hard to maintain; build switching barriers"`` for an elastic customer with market
    influence or innovative, ``"partnership: help the customer find profit, grow its loyalty;
    build switching barriers"`` for the others.

    Options: ``min_purchase_frequency``, ``max_avg_transaction``, ``max_discount_share``,
    ``min_implicit_ratio``, ``min_qualifiers``; ``columns`` and errors as
    :func:`good_customer`.

    Examples
    --------
    >>> import cvm
    >>> cvm.rules.elastic_customer().decision_names
    ['elastic', 'review', 'not_elastic', 'decline']
    """
    return _preset("elastic_customer", options, columns)


def dormant_account(
    max_holdings: float = 0.0,
    max_cash: float = 100.0,
    min_years_inactive: float = 3.0,
    holdings_column: str = "holdings_balance",
    cash_column: str = "cash_balance",
    years_column: str = "years_since_last_trade",
) -> SelectionRules:
    """Dormant accounts: ``holdings_balance ≤ max_holdings``, ``cash_balance ≤ max_cash`` and
    ``years_since_last_trade ≥ min_years_inactive`` (criteria ``holdings``, ``cash``,
    ``inactive``) → ``dormant``, else ``active``. The threshold is reached at equality: exactly
    3 years is dormant. An account with a missing value is ``active`` when another field rules
    dormancy out, else ``unknown`` (its reason code says ``missing``).

    Raises
    ------
    InvalidValueError
        A non-finite threshold or an empty column name (``field`` = the option).

    Examples
    --------
    >>> import pandas as pd, cvm
    >>> df = pd.DataFrame({"holdings_balance": [0.0, 0.0], "cash_balance": [80.0, 80.0],
    ...                    "years_since_last_trade": [4.0, 1.0]})
    >>> out = cvm.rules.dormant_account().evaluate(df)
    >>> out["decision"].tolist()
    ['dormant', 'active']
    >>> out["reasons"][1][2]
    'inactive:fail(years_since_last_trade=1<3)'
    """
    options = {
        "max_holdings": max_holdings,
        "max_cash": max_cash,
        "min_years_inactive": min_years_inactive,
        "holdings_column": holdings_column,
        "cash_column": cash_column,
        "years_column": years_column,
    }
    return _preset("dormant_account", options, None)


def positioning_fit(segments: Sequence[str] = ("core",), segment_column: str = "segment") -> SelectionRules:
    """Customers consistent with the firm's positioning (selection principle 1).

    ``fit`` when ``segment`` is one of ``segments``, ``misfit`` otherwise, ``review`` when the
    segment is missing.

    Examples
    --------
    >>> import cvm, pandas as pd
    >>> df = pd.DataFrame({"segment": pd.Categorical(["premium", "budget", None])})
    >>> cvm.rules.positioning_fit(["premium"]).evaluate(df)["decision"].tolist()
    ['fit', 'misfit', 'review']
    """
    if isinstance(segments, str):
        segments = [segments]
    return _preset(
        "positioning_fit", {"segments": ",".join(segments), "segment_column": segment_column}, None
    )


def matching_partner(columns: Optional[Mapping[str, str]] = None, **options: float) -> SelectionRules:
    """Partners of matching size and strength (门当户对, selection principle 4).

    Criteria ``size_match`` (``relative_size`` in [0.5, 2]: the customer's size ÷ the firm's)
    and ``strength_match`` (``relative_strength`` in [0.5, 2]); ``matching`` for both,
    ``partial`` for one, ``mismatched`` for none, ``review`` when a missing value could change
    that. Options ``min_relative_size``, ``max_relative_size``, ``min_relative_strength``,
    ``max_relative_strength``.

    Examples
    --------
    >>> import cvm, pandas as pd
    >>> df = pd.DataFrame({"relative_size": [1.0, 5.0], "relative_strength": [1.5, 1.0]})
    >>> cvm.rules.matching_partner().evaluate(df)["decision"].tolist()
    ['matching', 'partial']
    """
    return _preset("matching_partner", options, columns)
# The fee schedule and dormant-account transitions (seeds/001:442, 486 and 14); see docs/fees.md.
from .fees import default_fee_schedule, dormant_transitions, fee_schedule  # noqa: E402

__all__ += ["fee_schedule", "default_fee_schedule", "dormant_transitions"]
