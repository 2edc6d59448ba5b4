"""cvm.compat.lifetimes.utils and generate_data against lifetimes 0.11.3 (tests/data/
lifetimes_reference.json): summaries of the example transaction log and of the CDNOW log, the
calibration/holdout split, the tracking table and a customer's P(alive) path. Counts and ages are
exact; model numbers at lifetimes' own parameters agree to 1e-7 relative."""

from __future__ import annotations


import numpy as np
import pandas as pd
import pytest

import cvm
import cvm.compat.lifetimes as lifetimes
from cvm.compat.lifetimes import utils
from cvm.compat.lifetimes.datasets import load_dataset, load_transaction_data

from compat_support import REF

EX = REF["example_transactions"]


@pytest.fixture(scope="module")
def log():
    return load_transaction_data()


@pytest.fixture(scope="module")
def bgf():
    m = lifetimes.BetaGeoFitter()
    m.params_ = pd.Series(EX["bg_params"])
    return m


def same_table(got: pd.DataFrame, ref: dict, skip=()) -> None:
    """Columns, row count, every column's sum over all rows and the recorded rows, exactly."""
    assert got.columns.tolist() == ref["columns"]
    assert len(got) == ref["n_rows"]
    assert [str(i) for i in got.index[:: ref["positions"][1]]] == ref["index"]
    for c in ref["columns"]:
        if c in skip:
            continue
        np.testing.assert_allclose(got[c].sum(), ref["sums"][c], rtol=1e-12, err_msg=c)
        np.testing.assert_allclose(got[c].iloc[ref["positions"]], ref["values"][c], rtol=1e-12, err_msg=c)


def test_summary_equals_lifetimes(log):
    s = utils.summary_data_from_transaction_data(log, "id", "date", observation_period_end="2014-12-31")
    same_table(s, EX["summary"])
    assert s.index.name == "id" and (s.dtypes == np.float64).all()
    weekly = utils.summary_data_from_transaction_data(log, "id", "date", observation_period_end="2014-12-31",
                                                      freq="W")
    same_table(weekly, EX["summary_weekly"])


def test_calibration_and_holdout_equals_lifetimes(log):
    cal = utils.calibration_and_holdout_data(log, "id", "date", calibration_period_end="2014-09-01",
                                             observation_period_end="2014-12-31")
    same_table(cal, EX["calibration"])


def test_cdnow_calibration_with_monetary_value(log):
    raw = load_dataset("CDNOW_sample.txt", sep=r"\s+", header=None,
                       names=["master_id", "customer_id", "date", "cds", "amount"], dtype={"date": str})
    cal = utils.calibration_and_holdout_data(raw, "customer_id", "date", calibration_period_end="19970930",
                                             observation_period_end="19980630", datetime_format="%Y%m%d",
                                             monetary_value_col="amount")
    ref = REF["cdnow_log"]["calibration"]
    same_table(cal, ref, skip=("monetary_value_holdout",))
    # Holdout spend is the mean per purchase period, as the calibration spend is (lifetimes
    # averages the raw rows in the holdout only): customers with two orders on one day differ.
    days = raw.assign(date=pd.to_datetime(raw["date"], format="%Y%m%d"))
    hold = days[(days["date"] > "1997-09-30") & (days["date"] <= "1998-06-30")]
    per_day = hold.groupby(["customer_id", "date"])["amount"].sum().groupby("customer_id").mean()
    np.testing.assert_allclose(cal.loc[per_day.index, "monetary_value_holdout"], per_day, rtol=1e-12)
    assert cal["monetary_value_holdout"].sum() != pytest.approx(ref["sums"]["monetary_value_holdout"], rel=1e-3)


def test_fit_on_the_example_summary_equals_lifetimes(log):
    s = utils.summary_data_from_transaction_data(log, "id", "date", observation_period_end="2014-12-31")
    m = lifetimes.BetaGeoFitter().fit(s["frequency"], s["recency"], s["T"])
    np.testing.assert_allclose(m.params_[list(EX["bg_params"])], list(EX["bg_params"].values()), rtol=1e-4)


def test_expected_cumulative_transactions_equals_lifetimes(log, bgf):
    table = utils.expected_cumulative_transactions(bgf, log, "date", "id", 364)
    assert table.columns.tolist() == ["actual", "predicted"] and list(table.index) == list(range(364))
    np.testing.assert_array_equal(table["actual"], EX["cumulative_actual"])
    np.testing.assert_allclose(table["predicted"], EX["cumulative_predicted"], rtol=1e-7)
    weekly = utils.expected_cumulative_transactions(bgf, log, "date", "id", 364, freq_multiplier=7,
                                                    set_index_date=True)
    assert len(weekly) == 52 and isinstance(weekly.index, pd.PeriodIndex)
    np.testing.assert_array_equal(weekly["actual"], table["actual"].iloc[6::7])


def test_alive_path_equals_lifetimes(log, bgf):
    path = utils.calculate_alive_path(bgf, log[log["id"] == 35], "date", 200)
    assert list(path.index) == list(range(201))
    np.testing.assert_allclose(path, EX["alive_path_35"], rtol=1e-7)


def test_customer_lifetime_value_is_the_discounted_sum(bgf):
    f, r, T = pd.Series([0.0, 2.0, 5.0]), pd.Series([0.0, 30.0, 200.0]), pd.Series([100.0, 250.0, 300.0])
    spend = pd.Series([10.0, 20.0, 30.0])
    clv = utils.customer_lifetime_value(bgf, f, r, T, spend, time=3, discount_rate=0.1, freq="D")
    steps = [bgf.predict(30.0 * k, f, r, T) for k in range(4)]
    want = sum(spend * (steps[k] - steps[k - 1]) / 1.1**k for k in range(1, 4))
    np.testing.assert_allclose(clv, want, rtol=1e-12)
    assert utils._customer_lifetime_value is utils.customer_lifetime_value


def test_generated_cohorts_follow_the_model():
    np.random.seed(7)
    params = (0.243, 4.414, 0.793, 2.426)
    df = lifetimes.generate_data.beta_geometric_nbd_model(39.0, *params, size=20_000)
    assert df.columns.tolist() == ["frequency", "recency", "T"] and df.index.name == "customer_id"
    assert ((df["recency"] <= df["T"]) & ((df["frequency"] > 0) == (df["recency"] > 0))).all()
    bg = cvm.BetaGeo.from_params(r=params[0], alpha=params[1], a=params[2], b=params[3])
    mean = bg.expected_purchases_new_customer(39.0)
    se = df["frequency"].std() / np.sqrt(len(df))
    assert abs(df["frequency"].mean() - mean) < 4 * se
    np.random.seed(7)
    again = lifetimes.generate_data.beta_geometric_nbd_model(39.0, *params, size=20_000)
    pd.testing.assert_frame_equal(df, again)  # numpy's seed makes a run reproducible
    ages = lifetimes.generate_data.pareto_nbd_model(np.array([10.0, 20.0, 20.0]), 0.55, 10.6, 0.6, 11.7, size=3)
    assert ages["T"].tolist() == [10.0, 20.0, 20.0]
    log = lifetimes.generate_data.beta_geometric_nbd_model_transactional_data(
        30, *params, observation_period_end="2019-01-01", size=50)
    first = log.groupby("customer_id")["date"].min()
    assert (first == pd.Timestamp("2018-12-02")).all() and (log["date"] <= pd.Timestamp("2019-01-01")).all()


def test_new_data_from_a_fitter(bgf):
    bgf = lifetimes.BetaGeoFitter()
    bgf.params_ = pd.Series(EX["bg_params"])
    bgf.data = pd.DataFrame({"frequency": [0.0, 1.0], "recency": [0.0, 3.0], "T": [5.0, 9.0], "weights": [1, 1]})
    out = bgf.generate_new_data(size=2)
    assert out["T"].tolist() == [5.0, 9.0]
    mbg = lifetimes.ModifiedBetaGeoFitter()
    mbg.params_ = {"r": 0.5, "alpha": 6.0, "a": 0.9, "b": 1.6}
    mbg.data = bgf.data
    assert len(mbg.generate_new_data(size=2)) == 2


def test_tracking_needs_a_transaction_fitter(log):
    with pytest.raises(cvm.InvalidTypeError) as err:
        utils.expected_cumulative_transactions(lifetimes.GammaGammaFitter(), log, "date", "id", 10)
    assert err.value.field == "model"
    with pytest.raises(cvm.InvalidValueError) as err:
        utils.expected_cumulative_transactions(lifetimes.BetaGeoFitter(), log, "date", "id", 0)
    assert err.value.field == "t"
