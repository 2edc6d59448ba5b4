"""The fee schedule (seeds/001:442, 486) and dormant transitions (seeds/001:14) from Python: the
worked example of docs/fees.md with the hand-computed numbers of cvm-core/tests/it/fee.rs, from
transactions and from end-of-day balances, pandas and polars in, pandas out."""

import numpy as np
import pandas as pd
import pytest

import cvm

# The worked example: customer "ann" (standard; account a11 opens with 40 000), "bo" (premier),
# "cy" (no tier listed: the default, standard).
TX = pd.DataFrame({
    "customer": ["ann", "ann", "ann", "ann", "bo", "bo", "cy"],
    "account": ["a11", "a11", "a11", "a12", "b21", "b21", "c31"],
    "date": ["2024-01-10", "2024-01-25", "2024-01-10", "2024-01-20", "2024-01-15", "2024-02-14", "2024-02-01"],
    "amount": [30_000.0, -65_000.0, -5_000.0, 50_000.0, 600_000.0, -200_000.0, 100_000.0],
})
BAL = pd.DataFrame({
    "customer": ["ann", "ann", "ann", "bo", "bo", "cy"],
    "account": ["a11", "a11", "a12", "b21", "b21", "c31"],
    "date": pd.to_datetime(["2024-01-10", "2024-01-25", "2024-01-20", "2024-01-15", "2024-02-14", "2024-02-01"]),
    "balance": [65_000.0, 0.0, 50_000.0, 600_000.0, 400_000.0, 100_000.0],
})
TIERS = pd.Series({"bo": "premier", "ann": "standard"})
OPEN = {"a11": 40_000.0}

EXPECTED = pd.DataFrame({
    "customer": ["ann", "ann", "bo", "bo", "cy"],
    "month": ["2024-01", "2024-02", "2024-01", "2024-02", "2024-02"],
    "days_in_month": [31, 29, 31, 29, 29],
    "days_open": [31, 29, 17, 29, 29],
    # 1 935 000 / 31; 50 000; 600 000 × 17 / 31; (600 000 × 13 + 400 000 × 16) / 29; 100 000
    "average_daily_balance": [62_419.35, 50_000.0, 329_032.26, 489_655.17, 100_000.0],
    "tier": ["standard", "standard", "premier", "premier", "standard"],
    "threshold": [100_000.0, 100_000.0, 500_000.0, 500_000.0, 100_000.0],
    "fee": [150.0, 150.0, 300.0, 300.0, 0.0],
})


def _check(r):
    assert list(r.index.get_level_values(0)) == list(EXPECTED["customer"])
    assert [str(p) for p in r.index.get_level_values("month")] == list(EXPECTED["month"])
    for col in ["days_in_month", "days_open", "tier", "threshold", "fee"]:
        assert r[col].tolist() == EXPECTED[col].tolist(), col
    np.testing.assert_allclose(r["average_daily_balance"], EXPECTED["average_daily_balance"], rtol=0, atol=1e-9)
    assert r["reason"].iloc[2] == (
        "fee 300.00: average daily balance 329032.26 in 2024-01 is below the premier tier's threshold "
        "500000.00 (accounts open 17 of 31 days; the days before count as 0)")
    assert r["reason"].iloc[4] == (
        "no fee: average daily balance 100000.00 in 2024-02 is at or above the standard tier's threshold 100000.00")


def test_worked_example_from_transactions_and_balances():
    kw = dict(tiers=TIERS, default_tier="standard", opening_balances=OPEN)
    _check(cvm.rules.fee_schedule(TX, "customer", "account", "date", "amount", **kw))
    _check(cvm.rules.fee_schedule(BAL, "customer", "account", "date", balance_col="balance", **kw))


def test_polars_in_pandas_out():
    pl = pytest.importorskip("polars")
    r = cvm.rules.fee_schedule(pl.DataFrame(TX.to_dict("list")), "customer", "account", "date", "amount", tiers=TIERS,
                               default_tier="standard", opening_balances=OPEN)
    assert isinstance(r, pd.DataFrame)
    _check(r)


def test_days_open_and_time_zones():
    r = cvm.rules.fee_schedule(TX, "customer", "account", "date", "amount", tiers=TIERS, default_tier="standard",
                               opening_balances=OPEN, average_over="days_open")
    assert r.loc[("bo", pd.Period("2024-01", "M")), "average_daily_balance"] == 600_000.0
    assert r.loc[("bo", pd.Period("2024-01", "M")), "fee"] == 0.0
    # 2024-02-01 00:30 in Shanghai is 2024-01-31 16:30 UTC: the deposit counts for one January day.
    tz = pd.DataFrame({"c": [1], "a": [1], "t": pd.to_datetime(["2024-02-01 00:30"]).tz_localize("Asia/Shanghai"),
                       "x": [3_100.0]})
    r = cvm.rules.fee_schedule(tz, "c", "a", "t", "x", default_tier="standard", last_month="2024-02-29")
    assert r["average_daily_balance"].tolist() == [100.0, 3_100.0]


def test_second_bank_schedule():
    # seeds/001:486: 50 a month below 80 000.
    schedule = {"version": 1, "tiers": [{"tier": "standard", "threshold": 80_000, "fee": 50}]}
    df = pd.DataFrame({"c": [1, 2], "a": [1, 2], "t": ["2023-03-01", "2023-03-01"], "x": [79_999.99, 80_000.0]})
    r = cvm.rules.fee_schedule(df, "c", "a", "t", "x", schedule=schedule, default_tier="standard")
    assert r["fee"].tolist() == [50.0, 0.0]
    assert r.attrs["schedule"]["tiers"][0]["threshold"] == 80_000.0
    assert cvm.rules.default_fee_schedule()["tiers"][1] == {"tier": "premier", "threshold": 500_000.0, "fee": 300.0}


def test_dormant_transitions():
    before = pd.DataFrame({"holdings_balance": [0.0] * 5, "cash_balance": [80, 50, 90, 10, 20.0],
                           "years_since_last_trade": [4, 5, 2.5, 6, 9.0]}, index=[5, 1, 2, 3, 4])
    after = pd.DataFrame({"holdings_balance": [0, 0, 0, 0, 500.0], "cash_balance": [80, 50, 90, None, 0.0],
                          "years_since_last_trade": [0.5, 6, 3.5, 7, 0.1]}, index=[1, 2, 3, 4, 6])
    t = cvm.rules.dormant_transitions(before, after)
    assert t.index.tolist() == [1, 2, 3, 4, 5, 6]
    assert t["transition"].tolist() == ["reactivated", "became_dormant", "stayed_dormant", "unknown", "gone", "new"]
    assert t["after"].tolist() == ["active", "dormant", "dormant", "unknown", "absent", "active"]
    assert t.loc[4, "reason"] == ("unknown: dormant on the first snapshot (holdings_balance=0<=0; cash_balance=20<=100; "
                                  "years_since_last_trade=9>=3), unknown on the second (cash_balance=NA)")
    assert t.attrs["counts"]["reactivated"] == 1
    # Ids from a column, renamed rules.
    rules = cvm.rules.dormant_account(cash_column="cash")
    b = before.rename(columns={"cash_balance": "cash"}).reset_index(names="acct")
    a = after.rename(columns={"cash_balance": "cash"}).reset_index(names="acct")
    t2 = cvm.rules.dormant_transitions(b, a, rules, account_id_col="acct")
    assert t2["transition"].tolist() == t["transition"].tolist()
    with pytest.raises(cvm.MissingColumnError):
        cvm.rules.dormant_transitions(before.drop(columns="cash_balance"), after)
