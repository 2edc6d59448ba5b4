"""The bad-input catalogue of the customer summary: ``CASES`` rows
``(name, callable, exception class, field, index, message substring)``. The Rust
(``cvm-core/tests/it/catalogue_summary.rs``) and C (``tests/c/test_summary_edges.c``) tables hold
the same classes."""

import numpy as np
import pandas as pd

import cvm


def _log(t, ids=None, amount=None, **cols):
    data = {"id": ids if ids is not None else list(range(1, len(t) + 1)), "t": t}
    if amount is not None:
        data["a"] = amount
    data.update(cols)
    return pd.DataFrame(data)


def _summary(df, amount=False, **kw):
    return lambda: cvm.summary_from_transactions(df, "id", "t", "a" if amount else None, **kw)


_S = lambda *d: np.array(d, dtype="datetime64[s]")  # noqa: E731
_D = lambda *d: pd.to_datetime(list(d))  # noqa: E731

CASES = [
    ("timestamp before 0001-01-01 (day unit)", _summary(_log([0, -800_000], ids=[1, 1]), timestamp_unit="D"),
     cvm.InvalidValueError, "t", 1, "outside the supported dates"),
    ("timestamp after 9999-12-31 (seconds)", _summary(_log([2_932_897 * 86_400, 0]), timestamp_unit="s"),
     cvm.InvalidValueError, "t", 0, "outside the supported dates"),
    ("observation end out of range", _summary(_log([-171_622]), timestamp_unit="D", observation_period_end=2**62),
     cvm.InvalidValueError, "observation_period_end", None, "outside the supported dates"),
    ("calibration end not a date", _summary(_log(_D("2024-01-01")), calibration_period_end="10000-01-01"),
     cvm.InvalidValueError, "calibration_period_end", None, "cannot parse"),
    ("missing timestamp", _summary(_log(_D("2024-01-01", None))),
     cvm.InvalidValueError, "t", 1, "missing timestamp"),
    ("integer dates without a unit", _summary(_log([20240101, 20240115])),
     cvm.InvalidValueError, "t", None, "timestamp_unit"),
    ("integer end without a unit", _summary(_log(_D("2024-01-01")), observation_period_end=20240129),
     cvm.InvalidValueError, "observation_period_end", None, "timestamp_unit"),
    ("missing text customer id", _summary(_log(_D("2024-01-01", "2024-01-02", "2024-01-03"), ids=["a", None, "b"])),
     cvm.InvalidValueError, "id", 1, "missing customer id"),
    ("missing text customer id among 100,000 (the core's sharded path)",
     _summary(_log(pd.date_range("2024-01-01", periods=100_000, freq="min"),
                   ids=[None if i == 70_000 else f"c{i % 9_000}" for i in range(100_000)])),
     cvm.InvalidValueError, "id", 70_000, "missing customer id"),
    ("day numbers read as nanoseconds (every T = 0)", _summary(_log([19_723, 19_737, 19_725], ids=[1, 1, 2]), timestamp_unit="ns"),
     cvm.InvalidValueError, "timestamp_unit", None, "T = 0"),
    ("unknown timestamp unit", _summary(_log([1, 2]), timestamp_unit="days"),
     cvm.UnknownNameError, "timestamp_unit", None, "valid values"),
    ("unparseable timestamp", _summary(_log(["2024-01-01", "01/02/2024"])),
     cvm.InvalidValueError, "t", 1, "cannot parse"),
    ("amounts whose sum overflows", _summary(_log(_D("2024-01-01", "2024-01-02", "2024-01-03"), ids=[3, 3, 3], amount=[1.0, 1.7e308, 1.7e308]), amount=True),
     cvm.InvalidValueError, "a", 0, "beyond the range"),
    ("NaN amount", _summary(_log(_D("2024-01-01", "2024-01-02"), amount=[1.0, np.nan]), amount=True),
     cvm.InvalidValueError, "a", 1, "finite"),
    ("non-numeric amount", _summary(_log(_D("2024-01-01", "2024-01-02"), amount=["1.5", "ten"]), amount=True),
     cvm.InvalidValueError, "a", 1, "'ten'"),
    ("negative amount (default)", _summary(_log(_D("2024-01-01", "2024-01-02"), ids=[1, 1], amount=[10.0, -4.0]), amount=True),
     cvm.InvalidValueError, "a", 1, "negative_amounts"),
    ("unknown negative_amounts", _summary(_log(_D("2024-01-01")), negative_amounts="ignore"),
     cvm.UnknownNameError, "negative_amounts", None, "net"),
    ("transaction after the observation end", _summary(_log(_D("2024-01-01", "2024-01-10"), ids=[1, 1]), observation_period_end="2024-01-05"),
     cvm.InvalidValueError, "t", 1, "after observation_period_end"),
    ("missing column", lambda: cvm.summary_from_transactions(_log(_D("2024-01-01")), "id", "date"),
     cvm.MissingColumnError, "date", None, "'id', 't'"),
    ("empty log", _summary(_log(_D()[:0], ids=[])),
     cvm.EmptyInputError, "id", None, "is empty"),
]
