"""Fee schedule (a monthly fee when the average daily balance of all of a customer's accounts is
below the tier's threshold) and dormant-account transitions; exposed as ``cvm.rules.fee_schedule``,
``cvm.rules.default_fee_schedule`` and ``cvm.rules.dormant_transitions``. The arithmetic is the
core's (``cvm_core::selection``); see ``docs/fees.md``."""

from __future__ import annotations

import json
from typing import Any, Mapping, Optional, cast

import numpy as np
import pandas as pd

from . import _convert, _cvm
from .exceptions import InvalidTypeError, InvalidValueError, SerializationError
from .summary import _column, _end, _timestamps

__all__ = ["fee_schedule", "default_fee_schedule", "dormant_transitions"]


def default_fee_schedule() -> dict:
    """The method's example schedule (seeds/001:442) as a document.

    Examples
    --------
    >>> import cvm
    >>> [(t["tier"], t["threshold"], t["fee"]) for t in cvm.rules.default_fee_schedule()["tiers"]]
    [('standard', 100000.0, 150.0), ('premier', 500000.0, 300.0)]
    """
    return json.loads(_cvm.default_fee_schedule_json())


def _schedule_json(schedule: Any) -> str:
    if schedule is None:
        return _cvm.default_fee_schedule_json()
    if isinstance(schedule, str):
        return schedule
    if isinstance(schedule, Mapping):
        try:
            return json.dumps(dict(schedule), allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise SerializationError(f"`$`: {exc}", field="$") from exc
    raise InvalidTypeError(
        f"`schedule`: expected None, a dict or a JSON string, got {_convert.type_name(schedule)}",
        field="schedule",
    )


def _mapping(value: Any, field: str) -> tuple[pd.Series, pd.Series]:
    """A mapping (pandas Series indexed by key, or dict) → (keys, values) as Series."""
    if value is None:
        return pd.Series([], dtype=np.int64), pd.Series([], dtype=object)
    if isinstance(value, pd.Series):
        return pd.Series(value.index, dtype=value.index.dtype), value.reset_index(drop=True)
    if isinstance(value, Mapping):
        return pd.Series(list(value.keys())), pd.Series(list(value.values()), dtype=object)
    raise InvalidTypeError(
        f"`{field}`: expected a pandas Series indexed by id or a dict, got {_convert.type_name(value)}",
        field=field,
    )


def _codes(*parts: pd.Series, field: str) -> tuple[list[np.ndarray], Any]:
    """Ids of several inputs → int64 codes shared by all (integers as they are) and the labels."""
    for p in parts:
        bad = _convert.first_true(p.isna().to_numpy())
        if bad is not None:
            raise InvalidValueError(f"`{field}`[{bad}]: missing id", field=field, index=bad)
    if all(p.dtype.kind in "iu" and p.dtype != np.uint64 for p in parts):
        return [_convert.carray(p.to_numpy(), dtype=np.int64) for p in parts], None
    joined = pd.concat([p.astype(object) for p in parts], ignore_index=True)
    codes, labels = pd.factorize(joined, sort=True)
    codes = codes.astype(np.int64)
    out, start = [], 0
    for p in parts:
        out.append(_convert.carray(codes[start : start + len(p)]))
        start += len(p)
    return out, labels


def _months(month_start_days: np.ndarray) -> pd.PeriodIndex:
    """Days since 1970-01-01 of month starts → a monthly PeriodIndex (no nanosecond range limit)."""
    ordinals = month_start_days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    if hasattr(pd.PeriodIndex, "from_ordinals"):
        return pd.PeriodIndex.from_ordinals(ordinals, freq="M", name="month")
    return pd.PeriodIndex(ordinal=ordinals, freq="M", name="month")  # type: ignore[call-arg]  # pandas < 2.2


def fee_schedule(
    df: Any,
    customer_id_col: str,
    account_id_col: str,
    datetime_col: str,
    amount_col: Optional[str] = None,
    balance_col: Optional[str] = None,
    *,
    tiers: Any = None,
    default_tier: Optional[str] = None,
    schedule: Any = None,
    opening_balances: Any = None,
    first_month: Any = None,
    last_month: Any = None,
    average_over: str = "calendar_days",
    datetime_format: Optional[str] = None,
    timestamp_unit: Optional[str] = None,
) -> pd.DataFrame:
    """Monthly fee of every customer: the tier's fee when the month's average daily balance of
    all the customer's accounts is below the tier's threshold (seeds/001:442, 486).

    A day's balance is the account's balance at the end of the day (after all its transactions),
    carried forward over days without rows; before an account's first row it holds its opening
    balance (default 0). A month's average is the sum of the daily balances of all the customer's
    accounts over the calendar month's days (28 to 31) divided by the number of days
    (``average_over="calendar_days"``: days before the first account opened count as 0) or by
    the days since the first account opened (``"days_open"``), rounded to the cent. "Below" is
    strict: an average equal to the threshold pays no fee. A customer's months run from the month
    of its first row (or ``first_month`` when it has an opening balance) to ``last_month``.

    Timestamps are read as :func:`cvm.summary_from_transactions` reads them, never guessed:
    days are UTC calendar days (time-zone aware columns are converted to UTC; convert to naive
    local time first for local days).

    Parameters
    ----------
    df : pandas.DataFrame or polars.DataFrame
        One row per transaction (``amount_col``: signed amounts, deposits positive) or per
        end-of-day balance (``balance_col``: one row per account and day). Give exactly one of
        the two.
    customer_id_col, account_id_col, datetime_col : str
        Columns of the customer (customer number), account and time. An account has one customer.
    tiers : pandas.Series or dict, optional
        Customer id → tier name (one of the schedule's tiers).
    default_tier : str, optional
        Tier of a customer ``tiers`` does not list (default: such a customer is an error).
    schedule : dict or str, optional
        The schedule document ``{"version": 1, "tiers": [{"tier", "threshold", "fee"}, …]}``
        (default :func:`default_fee_schedule`: standard 150 below 100 000, premier 300 below
        500 000).
    opening_balances : pandas.Series or dict, optional
        Account id → balance before the account's first row.
    first_month, last_month : date-like, optional
        Any date of the first and last month reported (default: the months of the earliest and
        latest rows). Rows before the first month still build the balances.
    average_over : {"calendar_days", "days_open"}
        Divisor of the month's average.
    datetime_format, timestamp_unit : str, optional
        How to read string or integer timestamps, as in :func:`cvm.summary_from_transactions`.

    Returns
    -------
    pandas.DataFrame
        Indexed by (customer id, ``month`` as a monthly Period), sorted: ``days_in_month``,
        ``days_open``, ``average_daily_balance`` (to the cent), ``tier``, ``threshold``,
        ``fee`` (0 when none is charged) and ``reason``. ``attrs["schedule"]`` is the schedule
        applied.

    Raises
    ------
    InvalidInputError
        A missing column, both or neither of ``amount_col`` / ``balance_col``, a missing id or
        timestamp, a non-finite amount, two end-of-day balances for an account and day, an
        account with two customers, an unknown tier (``field`` the tiers argument, ``index`` its
        position), a customer without a tier and no default, a bad schedule (``SerializationError``
        with the JSON path); ``field`` and ``index`` locate the problem.

    Examples
    --------
    >>> import pandas as pd, cvm
    >>> log = pd.DataFrame({"customer": ["ann", "ann", "bo"], "account": [1, 2, 3],
    ...                     "date": ["2024-01-01", "2024-01-17", "2024-01-01"],
    ...                     "amount": [60_000.0, 50_000.0, 600_000.0]})
    >>> fees = cvm.rules.fee_schedule(log, "customer", "account", "date", "amount",
    ...                               tiers={"ann": "standard", "bo": "premier"})
    >>> fees[["average_daily_balance", "fee"]].values.tolist()
    [[84193.55, 150.0], [600000.0, 0.0]]
    >>> fees["reason"].iloc[0]
    "fee 150.00: average daily balance 84193.55 in 2024-01 is below the standard tier's threshold 100000.00"
    """
    if (amount_col is None) == (balance_col is None):
        raise InvalidValueError(
            "give exactly one of amount_col (transactions) and balance_col (end-of-day balances)",
            field="amount_col",
        )
    df = _convert.frame(df, "df")
    value_col, value_arg = (amount_col, "amount_col") if amount_col is not None else (cast(str, balance_col), "balance_col")
    input_kind = "transactions" if amount_col is not None else "balances"
    cust = _column(df, customer_id_col, "customer_id_col")
    acct = _column(df, account_id_col, "account_id_col")
    ts, unit = _timestamps(_column(df, datetime_col, "datetime_col"), datetime_col, datetime_format, timestamp_unit)
    values = _convert.floats(_column(df, value_col, value_arg), value_col)
    tier_keys, tier_names = _mapping(tiers, "tiers")
    bad = next((i for i, t in enumerate(tier_names) if not isinstance(t, str)), None)
    if bad is not None:
        raise InvalidValueError(
            f"`tiers`[{bad}]: expected a tier name (str), got {tier_names.iloc[bad]!r}", field="tiers", index=bad
        )
    open_keys, open_values = _mapping(opening_balances, "opening_balances")
    (cust_codes, tier_codes), cust_labels = _codes(cust, tier_keys, field=customer_id_col)
    (acct_codes, open_codes), _ = _codes(acct, open_keys, field=account_id_col)
    months = {
        name: _end(value, name, unit, datetime_format, timestamp_unit)
        for name, value in (("first_month", first_month), ("last_month", last_month))
    }
    renames = {
        "account_id": account_id_col,
        "customer_id": customer_id_col,
        "timestamp": datetime_col,
        "amount": value_col,
        "balance": value_col,
        "opening_account_id": "opening_balances",
        "opening_balance": "opening_balances",
        "tier_customer_id": "tiers",
        "tier": "tiers",
    }
    log_fields = [account_id_col, customer_id_col, datetime_col, value_col]
    with _convert.rows_labelled(df.index, log_fields), _convert.fields_renamed(renames):
        out = _cvm.fee_schedule(
            acct_codes,
            cust_codes,
            ts,
            values,
            unit,
            input_kind,
            open_codes,
            _convert.floats(open_values.to_numpy(dtype=object), "opening_balances"),
            months["first_month"],
            months["last_month"],
            str(average_over),
            _schedule_json(schedule),
            tier_codes,
            list(tier_names),
            default_tier,
        )
    customers = out["customer_id"] if cust_labels is None else cust_labels.take(out["customer_id"])
    index = pd.MultiIndex.from_arrays(
        [pd.Index(customers, name=customer_id_col), _months(out["month_start"])]
    )
    result = pd.DataFrame(
        {
            "days_in_month": out["days_in_month"].astype(np.int64),
            "days_open": out["days_open"].astype(np.int64),
            "average_daily_balance": out["average_daily_balance"],
            "tier": _convert.named_codes(out["tier"], out["tier_names"], index),
            "threshold": out["threshold"],
            "fee": out["fee"],
            "reason": _convert.coded_text(out["reason"], index),
        },
        index=index,
    )
    result.attrs["schedule"] = json.loads(_cvm.fee_schedule_json(_schedule_json(schedule)))
    return result


def dormant_transitions(
    before: Any,
    after: Any,
    rules: Any = None,
    *,
    account_id_col: Optional[str] = None,
    dormant_decision: str = "dormant",
) -> pd.DataFrame:
    """Accounts reactivated (dormant → active) or gone dormant (active → dormant) between two
    snapshots, with reasons (seeds/001:14).

    Each snapshot is evaluated with ``rules`` (default :func:`cvm.rules.dormant_account`). An
    account is ``dormant`` on a snapshot when its decision is ``dormant_decision``, ``unknown``
    when it is not and a rule met a missing value (a missing field never makes an account
    confidently active), else ``active``; ``absent`` when the snapshot does not list it.

    Parameters
    ----------
    before, after : pandas.DataFrame or polars.DataFrame
        One row per account with the columns the rules read; the account id is the index, or
        the column ``account_id_col``. Each id at most once per snapshot.
    rules : SelectionRules, optional
        Rules with a decision ``dormant_decision``.

    Returns
    -------
    pandas.DataFrame
        Indexed by account id (every account of either snapshot, sorted): ``before``, ``after``
        (``dormant``, ``active``, ``unknown``, ``absent``), ``transition`` (``reactivated``,
        ``became_dormant``, ``stayed_dormant``, ``stayed_active``, ``unknown``, ``new``,
        ``gone``) and ``reason``. ``attrs["counts"]`` counts the transitions.

    Examples
    --------
    >>> import pandas as pd, cvm
    >>> y2023 = pd.DataFrame({"holdings_balance": [0.0, 0.0], "cash_balance": [80.0, 90.0],
    ...                       "years_since_last_trade": [4.0, 2.5]}, index=["a1", "a2"])
    >>> y2024 = y2023.assign(years_since_last_trade=[0.5, 3.5])
    >>> t = cvm.rules.dormant_transitions(y2023, y2024)
    >>> t["transition"].tolist()
    ['reactivated', 'became_dormant']
    >>> t.loc["a1", "reason"]
    'reactivated: dormant on the first snapshot (holdings_balance=0<=0; cash_balance=80<=100; years_since_last_trade=4>=3), active on the second (years_since_last_trade=0.5<3)'
    """
    from .rules import dormant_account
    from .selection import SelectionRules, _columns

    if rules is None:
        rules = dormant_account()
    if not isinstance(rules, SelectionRules):
        raise InvalidTypeError(
            f"`rules`: expected cvm.SelectionRules, got {_convert.type_name(rules)}", field="rules"
        )
    frames = {"before": _convert.frame(before, "before"), "after": _convert.frame(after, "after")}
    ids = {}
    for name, df in frames.items():
        for attr in rules.attributes:
            if attr not in df.columns:
                raise _convert.missing_column(attr, df.columns, table=f"`{name}`")
        if account_id_col is None:
            ids[name] = pd.Series(df.index, dtype=df.index.dtype)
        else:
            ids[name] = _column(df, account_id_col, "account_id_col").reset_index(drop=True)
    (cb, ca), labels = _codes(ids["before"], ids["after"], field=account_id_col or "index")
    renames = {"before_account_id": "before", "after_account_id": "after"}
    with _convert.fields_renamed(renames):
        out = _cvm.dormant_transitions(
            rules._inner,
            _convert.text(dormant_decision, "dormant_decision"),
            cb,
            _columns(frames["before"], rules.attributes),
            ca,
            _columns(frames["after"], rules.attributes),
        )
    accounts = out["account_id"] if labels is None else labels.take(out["account_id"])
    index = pd.Index(accounts, name=account_id_col)
    named = {"before": "status_names", "after": "status_names", "transition": "transition_names"}
    columns = {k: _convert.named_codes(out[k], out[names], index) for k, names in named.items()}
    result = pd.DataFrame({**columns, "reason": _convert.text_column(out["reason"], index)}, index=index)
    result.attrs["counts"] = result["transition"].value_counts().to_dict()
    return result
