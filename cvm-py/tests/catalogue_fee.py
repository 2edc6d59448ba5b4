"""The bad-input catalogue of the fee schedule and dormant transitions: ``CASES`` rows
``(name, callable, exception class, field, index, message substring)``. The Rust
(``cvm-core/tests/it/catalogue_fee.rs``) and C (``tests/c/catalogue_fee.inc``) tables hold the
same classes."""

import numpy as np
import pandas as pd

import cvm


def _log(account, customer, day, value):
    return pd.DataFrame({"acct": account, "cust": customer, "day": day, "v": value})


def _fees(df, balances=False, **kw):
    kw.setdefault("default_tier", "standard")
    col = {"balance_col": "v"} if balances else {"amount_col": "v"}
    return lambda: cvm.rules.fee_schedule(df, "cust", "acct", "day", timestamp_unit="D", **col, **kw)


def _transitions(before_ids, **kw):
    snap = pd.DataFrame({"holdings_balance": [0.0, 0.0], "cash_balance": [5.0, 5.0],
                         "years_since_last_trade": [4.0, 4.0]})
    after = snap.set_axis([1, 2])
    return lambda: cvm.rules.dormant_transitions(snap.set_axis(before_ids), after, **kw)


_ONE = _log([1], [1], [0], [5.0])

CASES = [
    ("non-finite amount", _fees(_log([1, 1], [1, 1], [0, 1], [5.0, np.nan])),
     cvm.InvalidValueError, "v", 1, "must be finite"),
    ("missing timestamp", _fees(_log([1, 1], [1, 1], [0, None], [5.0, 1.0])),
     cvm.InvalidValueError, "day", 1, "missing timestamp"),
    ("two end-of-day balances for an account and day", _fees(_log([1, 2, 1], [1, 1, 1], [3, 3, 3], [5.0, 1.0, 6.0]), balances=True),
     cvm.InvalidValueError, "day", 2, "two end-of-day balances on 1970-01-04 (rows 0 and 2)"),
    ("an account with two customers", _fees(_log([7, 7], [1, 2], [0, 1], [5.0, 1.0])),
     cvm.InvalidValueError, "cust", 1, "account 7 belongs to customer 1 (row 0), not 2"),
    ("last month before the first", _fees(_log([1], [1], [40], [5.0]), first_month="1970-02-01", last_month="1970-01-31"),
     cvm.InvalidValueError, "last_month", None, "1970-01 is before the first month 1970-02"),
    ("too many months", _fees(_log([1, 1], [1, 1], [0, 40_000], [5.0, 1.0])),
     cvm.InvalidValueError, "last_month", None, "MAX_MONTHS"),
    ("balances beyond the range of f64", _fees(_log([1, 2], [1, 1], [0, 0], [1.7e308, 1.7e308]), balances=True),
     cvm.InvalidValueError, "v", 0, "beyond the range of f64"),
    ("opening balance of an account without rows", _fees(_ONE, opening_balances={1: 0.0, 9: 3.0}),
     cvm.InvalidValueError, "opening_balances", 1, "account 9 has an opening balance but no row"),
    ("non-finite opening balance", _fees(_ONE, opening_balances={1: np.inf}),
     cvm.InvalidValueError, "opening_balances", 0, "must be finite"),
    ("unknown tier", _fees(_ONE, tiers={1: "gold"}, default_tier=None),
     cvm.InvalidValueError, "tiers", 0, "unknown tier \"gold\"; expected one of the schedule's tiers: standard, premier"),
    ("a customer without a tier and no default", _fees(_ONE, tiers={2: "premier"}, default_tier=None),
     cvm.InvalidValueError, "cust", 0, "customer 1 has no tier"),
    ("a customer given two tiers", _fees(_ONE, tiers=pd.Series(["premier", "standard"], index=[1, 1]), default_tier=None),
     cvm.InvalidValueError, "tiers", 1, "customer 1 is given a second tier"),
    ("unknown default tier", _fees(_ONE, default_tier="vip"),
     cvm.InvalidValueError, "default_tier", None, "unknown tier \"vip\""),
    ("negative fee in a schedule document", _fees(_ONE, schedule={"version": 1, "tiers": [{"tier": "standard", "threshold": 10, "fee": -1}]}),
     cvm.SerializationError, "$.tiers[0].fee", None, "expected a finite amount >= 0"),
    ("a schedule without tiers", _fees(_ONE, schedule='{"version": 1, "tiers": []}'),
     cvm.SerializationError, "$.tiers", None, "at least one tier"),
    ("unknown timestamp unit", lambda: cvm.rules.fee_schedule(_ONE, "cust", "acct", "day", "v", timestamp_unit="days", default_tier="standard"),
     cvm.UnknownNameError, "timestamp_unit", None, "valid values"),
    ("unknown average_over", _fees(_ONE, average_over="days"),
     cvm.UnknownNameError, "average_over", None, "calendar_days, days_open"),
    ("both amount and balance columns", lambda: cvm.rules.fee_schedule(_ONE, "cust", "acct", "day", "v", "v", timestamp_unit="D"),
     cvm.InvalidValueError, "amount_col", None, "exactly one of amount_col"),
    ("a dormant decision the rules do not have", _transitions([1, 2], dormant_decision="asleep"),
     cvm.InvalidValueError, "dormant_decision", None, "their decisions are dormant, active"),
    ("an account twice in a snapshot", _transitions([3, 3]),
     cvm.InvalidValueError, "before", 1, "account 3 is listed twice"),
]
