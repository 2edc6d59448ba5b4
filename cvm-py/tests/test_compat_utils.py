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


def test_dates_parsed_once_each_keep_row_errors(log):
    """The summaries parse each distinct date once; a bad or missing date still names its row."""
    want = utils.summary_data_from_transaction_data(log, "id", "date", observation_period_end="2014-12-31")
    as_dates = log.assign(date=pd.to_datetime(log["date"]))
    got = utils.summary_data_from_transaction_data(as_dates, "id", "date", observation_period_end="2014-12-31")
    pd.testing.assert_frame_equal(got, want)
    for value, match in (("03/08/2014", "cannot parse"), (None, "missing")):
        bad = log.copy()
        bad.loc[5, "date"] = value
        with pytest.raises(cvm.InvalidValueError, match=match) as err:
            utils.summary_data_from_transaction_data(bad, "id", "date", observation_period_end="2014-12-31")
        assert err.value.field == "date" and err.value.index == 5
    days = pd.DataFrame({"id": [1, 1, 2], "day": [20140101, 20140115, 20140115]})
    out = utils.summary_data_from_transaction_data(days, "id", "day", datetime_format="%Y%m%d",
                                                   observation_period_end="2014-01-31")
    assert out["T"].tolist() == [30.0, 16.0] and out["recency"].tolist() == [14.0, 0.0]


def test_bg_bb_cohorts_follow_the_model():
    """lifetimes' columns (less its latent draws p, theta, alive and the customer_id column,
    which is the index here), and the model's mean: BG/BB E[X(n)] (Fader, Hardie & Shang 2010,
    eq. 8) within 3 standard errors over 20,000 customers."""
    ref = REF["simulators"]["beta_geometric_beta_binom_model"]
    params = (1.204, 0.750, 0.657, 2.783)
    np.random.seed(11)
    df = lifetimes.generate_data.beta_geometric_beta_binom_model(6, *params, size=20_000)
    shared = [c for c in ref["columns"] if c not in ("p", "theta", "alive", "customer_id")]
    assert df.columns.tolist() == shared == ["frequency", "recency", "n_periods"]
    assert df.index.name == "customer_id" and len(df) == 20_000 and (df.dtypes == np.float64).all()
    assert ((df["frequency"] <= df["recency"]) & (df["recency"] <= df["n_periods"])).all()
    assert ((df["frequency"] > 0) == (df["recency"] > 0)).all() and (df["n_periods"] == 6).all()
    model = cvm.BetaGeoBetaBinom.from_params(alpha=params[0], beta=params[1], gamma=params[2], delta=params[3])
    for n in (1, 6):
        sub = lifetimes.generate_data.beta_geometric_beta_binom_model(n, *params, size=20_000)
        se = sub["frequency"].std() / np.sqrt(len(sub))
        assert abs(sub["frequency"].mean() - model.expected_number_of_transactions_new_customer(n)) < 3 * se
    # P(X(6) = 0), the share of customers who never buy again, within 3 binomial standard errors
    p0 = model.probability_of_n_transactions(0, 6)
    assert abs((df["frequency"] == 0).mean() - p0) < 3 * np.sqrt(p0 * (1 - p0) / len(df))
    np.random.seed(11)
    pd.testing.assert_frame_equal(df, lifetimes.generate_data.beta_geometric_beta_binom_model(6, *params, size=20_000))
    mixed = lifetimes.generate_data.beta_geometric_beta_binom_model(np.array([2, 6, 6, 9]), *params, size=3)
    assert mixed["n_periods"].tolist() == [2.0, 6.0, 6.0] and (mixed["recency"] <= mixed["n_periods"]).all()
    with pytest.raises(cvm.InvalidValueError) as err:
        lifetimes.generate_data.beta_geometric_beta_binom_model(2.5, *params, size=3)
    assert err.value.field == "N"
    with pytest.raises(cvm.InvalidValueError) as err:
        lifetimes.generate_data.beta_geometric_beta_binom_model([6, 6], *params, size=3)
    assert err.value.field == "N"
    with pytest.raises(cvm.InvalidValueError) as err:
        lifetimes.generate_data.beta_geometric_beta_binom_model(6, -1.0, 0.75, 0.66, 2.8, size=3)
    assert err.value.field == "alpha"


def test_bg_bb_new_data_repeats_rows_by_weight():
    d = lifetimes.datasets.load_donations()
    m = lifetimes.BetaGeoBetaBinomFitter().fit(d["frequency"], d["recency"], d["periods"], weights=d["weights"])
    out = m.generate_new_data(size=100)
    assert out.shape == (100, 3) and (out["n_periods"] == 6).all()
    m.data["weights"] = m.data["weights"] + 0.5
    with pytest.raises(cvm.InvalidValueError) as err:
        m.generate_new_data(size=3)
    assert err.value.field == "weights"


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
