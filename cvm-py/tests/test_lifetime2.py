"""Gamma-Gamma, BG/BB, sBG and probabilistic CLV from Python: published figures, the lifetimes
cross-check and every bad-input case."""

import json
import pathlib
import pickle

import numpy as np
import pandas as pd
import pytest

import cvm

HERE = pathlib.Path(__file__).resolve().parent
LIFETIMES_CSV = HERE / "data" / "lifetimes_clv_cdnow.csv"


def printed(value, shown, decimals):
    """`value` rounds to `shown` at `decimals` decimals."""
    half = 0.5 * 10.0 ** (-decimals)
    return shown - half - 1e-12 <= value < shown + half


def truncated(value, shown, decimals):
    """`value` truncated (not rounded) to `decimals` decimals is `shown`."""
    return shown - 1e-12 <= value < shown + 10.0 ** (-decimals)


@pytest.fixture(scope="module")
def cdnow():
    s = cvm.datasets.load_cdnow_summary_with_transactions()
    return s.rename(columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"})


@pytest.fixture(scope="module")
def gg(cdnow):
    return cvm.GammaGamma().fit(cdnow["frequency"], cdnow["monetary_value"])


@pytest.fixture(scope="module")
def donations():
    return cvm.datasets.load_donations().rename(columns={"periods": "n_periods"})


@pytest.fixture(scope="module")
def bgbb(donations):
    return cvm.BetaGeoBetaBinom().fit(donations)


@pytest.fixture(scope="module")
def cohorts():
    d = cvm.datasets.load_retention_survival()
    return (d["regular_pct_alive"] * 10).round().to_numpy(), (d["high_end_pct_alive"] * 10).round().to_numpy()


# ------------------------------------------------------------------------------ Gamma-Gamma


def test_gamma_gamma_cdnow_published(gg, cdnow):
    p = gg.params_
    assert printed(p["p"], 6.25, 2) and printed(p["q"], 3.74, 2)
    assert truncated(p["gamma"], 15.44, 2)  # 15.4477, printed 15.44 in the paper
    assert gg.n_obs_ == 946.0 and gg.converged_ and gg.gradient_norm_ <= 1e-8
    s = gg.conditional_expected_average_spend(cdnow["frequency"].iloc[:10], cdnow["monetary_value"].iloc[:10])
    assert isinstance(s, pd.Series) and list(s.index) == list(cdnow.index[:10])
    want = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17]
    assert all(truncated(v, w, 2) for v, w in zip(s, want)), list(s)
    lifetimes = [24.658619, 18.911489, 35.170981, 35.170981, 35.170981, 71.462843, 18.911489, 35.170981, 27.282408, 35.170981]
    np.testing.assert_allclose(s.to_numpy(), lifetimes, rtol=1e-6)
    assert s.iloc[2] == gg.population_mean_spend()
    assert gg.population_mean_spend() == pytest.approx(p["p"] * p["gamma"] / (p["q"] - 1), rel=1e-15)
    assert abs(cvm.frequency_monetary_correlation(cdnow["frequency"], cdnow["monetary_value"])) < 0.2


def test_gamma_gamma_attributes_roundtrip_and_intervals(gg):
    se = gg.standard_errors_
    assert list(se.index) == ["p", "q", "gamma"] and (se > 0).all()
    ci = gg.confidence_intervals(0.95)
    assert ((ci["lower"] < pd.Series(gg.params_)) & (pd.Series(gg.params_) < ci["upper"])).all()
    back = cvm.GammaGamma.from_json(gg.to_json())
    assert back.params_ == gg.params_ and back.log_likelihood_ == gg.log_likelihood_
    again = pickle.loads(pickle.dumps(gg))
    assert again.params_ == gg.params_
    assert repr(gg).startswith("GammaGamma(p=6.249, q=3.745, gamma=15.45, log_likelihood=")
    out = gg.conditional_expected_average_spend([0.0, 5.0], [0.0, 40.0], level=0.95)
    assert (out["lower"] < out["expected_spend"]).all() and (out["expected_spend"] < out["upper"]).all()
    assert json.loads(gg.to_json())["model"] == "gamma_gamma"


def test_gamma_gamma_infinite_mean_is_reported():
    heavy = cvm.GammaGamma.from_params(p=2.0, q=0.9, gamma=10.0)
    assert not heavy.has_finite_mean_
    with pytest.raises(cvm.NumericalError):
        heavy.population_mean_spend()
    with pytest.raises(cvm.NumericalError):
        heavy.conditional_expected_average_spend([0.0], [0.0])


@pytest.mark.parametrize(
    "f, z, w, field, index",
    [
        ([1, 2], [10.0, -1.0], None, "monetary_value", 1),
        ([0, 3], [0.0, 0.0], None, "monetary_value", 1),  # repeat buyer with non-positive spend
        ([1, 2.5], [1.0, 1.0], None, "frequency", 1),
        ([1, 2], [1.0, 1.0], [1.0, -2.0], "weights", 1),
        ([0, 0], [0.0, 0.0], None, "frequency", None),  # no repeat buyer at all
    ],
)
def test_gamma_gamma_bad_input(f, z, w, field, index):
    with pytest.raises(cvm.InvalidInputError) as e:
        cvm.GammaGamma().fit(f, z, weights=w)
    assert e.value.field == field and e.value.index == index
    assert isinstance(e.value, ValueError)


def test_gamma_gamma_empty_and_unfitted():
    with pytest.raises(cvm.EmptyInputError):
        cvm.GammaGamma().fit([], [])
    with pytest.raises(cvm.InvalidInputError) as e:
        cvm.GammaGamma().population_mean_spend()
    assert e.value.field == "model"
    with pytest.raises(cvm.InvalidInputError) as e:
        cvm.GammaGamma.from_params(p=1.0, q=float("nan"), gamma=1.0)
    assert e.value.field == "q"


# ------------------------------------------------------------------------------------ BG/BB


def test_bg_bb_donations_published(bgbb, donations):
    p = bgbb.params_
    for name, want in {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}.items():
        assert printed(p[name], want, 3), (name, p[name])
    assert printed(bgbb.log_likelihood_, -33225.58, 2)
    assert bgbb.n_obs_ == 11104.0
    pa = bgbb.conditional_probability_alive(1, [0, 2, 6], [0, 4, 6], [6, 6, 6])
    assert all(printed(v, w, 2) for v, w in zip(pa, [0.11, 0.59, 0.93])), pa
    e = bgbb.conditional_expected_number_of_transactions(5, donations["frequency"], donations["recency"], donations["n_periods"])
    total = float((e * donations["weights"]).sum())
    assert printed(total, 12884.2, 1) and total == pytest.approx(12884.2, rel=1e-4)
    n0 = 11104 * bgbb.probability_of_n_transactions(0, 6)
    n6 = 11104 * bgbb.probability_of_n_transactions(6, 6)
    assert printed(n0, 3454.9, 1) and printed(n6, 1253.1, 1)
    mean = sum(x * bgbb.probability_of_n_transactions(x, 6) for x in range(7))
    assert bgbb.expected_number_of_transactions_new_customer(6) == pytest.approx(mean, rel=1e-12)
    assert bgbb.log_likelihood(donations["frequency"], donations["recency"], donations["n_periods"], donations["weights"]) == pytest.approx(bgbb.log_likelihood_, rel=1e-12)
    back = pickle.loads(pickle.dumps(cvm.BetaGeoBetaBinom.from_json(bgbb.to_json())))
    assert back.params_ == bgbb.params_
    assert (bgbb.standard_errors_ > 0).all()


@pytest.mark.parametrize(
    "f, r, n, field, index",
    [
        ([0, 1], [0, 3], [6, 2], "recency", 1),
        ([0, 4], [0, 3], [6, 6], "frequency", 1),
        ([0, 0], [0, 3], [6, 6], "recency", 1),
        ([0, 1.5], [0, 3], [6, 6], "frequency", 1),
        ([0, 1], [0, 3], [6, -6], "n_periods", 1),
        ([float("nan")], [0], [6], "frequency", 0),
    ],
)
def test_bg_bb_bad_input(f, r, n, field, index):
    with pytest.raises(cvm.InvalidInputError) as e:
        cvm.BetaGeoBetaBinom().fit(f, r, n)
    assert (e.value.field, e.value.index) == (field, index)


# -------------------------------------------------------------------------------------- sBG


def test_sbg_published(cohorts):
    regular, high = cohorts
    r = cvm.ShiftedBetaGeo().fit_cohort(regular[:8])
    assert printed(r.params_["alpha"], 0.704, 3) and printed(r.params_["beta"], 1.182, 3)
    h = cvm.ShiftedBetaGeo().fit_cohort(high[:8])
    assert printed(h.params_["alpha"], 0.668, 3) and printed(h.params_["beta"], 3.806, 3)
    assert printed(h.log_likelihood_, -1611.16, 2)
    assert h.log_likelihood_cohort(high[:8]) == pytest.approx(h.log_likelihood_, rel=1e-12)
    s = h.survival([8, 9, 10, 11, 12])
    assert all(printed(100 * v, w, 1) for v, w in zip(s, [46.0, 43.6, 41.4, 39.5, 37.8])), s
    curve = h.survival_curve(12)
    np.testing.assert_array_equal(curve.to_numpy()[8:], s)
    ret = h.retention_curve(12)
    np.testing.assert_allclose(ret.to_numpy(), curve.to_numpy()[1:] / curve.to_numpy()[:-1], rtol=1e-12)
    np.testing.assert_allclose(h.retention_rate([1, 12]), ret.loc[[1, 12]].to_numpy(), rtol=1e-15)
    assert printed(float(h.derl(0.10, [7])[0]), 7.53, 2)
    assert h.expected_lifetime_value(1.0, 0.10) == pytest.approx(1 + h.derl(0.10, [0])[0] / 1.1, rel=1e-12)
    # Per-customer fit on the same cohort gives the same estimate.
    dur, act, w = [], [], []
    for t in range(1, 8):
        dur.append(t), act.append(0), w.append(high[t - 1] - high[t])
    dur.append(7), act.append(1), w.append(high[7])
    hc = cvm.ShiftedBetaGeo().fit(dur, act, weights=w)
    assert hc.params_["alpha"] == pytest.approx(h.params_["alpha"], rel=1e-6)
    assert pickle.loads(pickle.dumps(h)).params_ == h.params_


@pytest.mark.parametrize(
    "alive, index",
    [([100, 90, 95], 2), ([0, 0], 0), ([100, float("nan")], 1), ([100, 50.5], 1)],
)
def test_sbg_bad_cohort(alive, index):
    with pytest.raises(cvm.InvalidInputError) as e:
        cvm.ShiftedBetaGeo().fit_cohort(alive)
    assert (e.value.field, e.value.index) == ("alive", index)


def test_sbg_bad_durations_and_rates():
    cases = [
        (([1, 0], [0, 0], None), "duration", 1),
        (([1, 2], [0, 0.5], None), "still_active", 1),
        (([1, 2], [0, 1], [1.0, 0.0]), "weights", 1),
    ]
    for (d, a, w), field, index in cases:
        with pytest.raises(cvm.InvalidInputError) as e:
            cvm.ShiftedBetaGeo().fit(d, a, weights=w)
        assert (e.value.field, e.value.index) == (field, index)
    m = cvm.ShiftedBetaGeo.from_params(alpha=0.7, beta=1.2)
    with pytest.raises(cvm.InvalidInputError) as e:
        m.derl(0.0, [1])
    assert e.value.field == "discount_rate"
    with pytest.raises(cvm.InvalidInputError) as e:
        m.derl(0.1, [1.5])
    assert (e.value.field, e.value.index) == ("renewals", 0)


# -------------------------------------------------------------------------------------- CLV


@pytest.fixture(scope="module")
def golden():
    return pd.read_csv(LIFETIMES_CSV)


@pytest.mark.parametrize("kind", ["bg_nbd", "pareto_nbd"])
def test_clv_matches_lifetimes(kind, golden, cdnow):
    row = golden.iloc[0]
    if kind == "bg_nbd":
        tm = cvm.BetaGeo.from_params(**{k: row[f"bg_nbd_{k}"] for k in ("r", "alpha", "a", "b")})
    else:
        tm = cvm.ParetoNBD.from_params(**{k: row[f"pareto_nbd_{k}"] for k in ("r", "alpha", "s", "beta")})
    sm = cvm.GammaGamma.from_params(p=row["gamma_gamma_p"], q=row["gamma_gamma_q"], gamma=row["gamma_gamma_v"])
    v = cvm.customer_lifetime_value(tm, sm, cdnow, horizon=12, time_unit="M", discount_rate=0.01, method="lifetimes")
    assert len(v) == 2357 and list(v.index) == list(cdnow.index)
    np.testing.assert_allclose(v["clv"].to_numpy(), golden[f"clv_{kind}"].to_numpy(), rtol=1e-6)
    np.testing.assert_allclose(v["clv"], v["expected_spend"] * v["expected_discounted_purchases"], rtol=1e-12)


def test_clv_continuous_intervals_and_margin(gg, cdnow):
    bg = cvm.BetaGeo().fit(cdnow)
    head = cdnow.head(20)
    v = cvm.customer_lifetime_value(bg, gg, head, 12, "M", 0.01, level=0.9)
    assert list(v.columns) == ["clv", "expected_discounted_purchases", "expected_spend", "lower", "upper"]
    assert ((v["lower"] < v["clv"]) & (v["clv"] < v["upper"])).all()
    half = cvm.customer_lifetime_value(bg, gg, head, 12, "M", 0.01, margin=0.5)
    np.testing.assert_allclose(half["clv"], 0.5 * v["clv"], rtol=1e-15)
    # No discounting: the discounted purchases are the expected purchases over 52 weeks.
    flat = cvm.customer_lifetime_value(bg, gg, head, 52, "W", 0.0)
    want = bg.expected_purchases(52, head["frequency"], head["recency"], head["T"])
    np.testing.assert_allclose(flat["expected_discounted_purchases"], want, rtol=1e-9)


def test_clv_bg_bb(bgbb):
    gg = cvm.GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
    s = pd.DataFrame({"frequency": [6.0, 0.0], "recency": [6.0, 0.0], "n_periods": [6.0, 6.0], "monetary_value": [50.0, 0.0]})
    v = cvm.customer_lifetime_value(bgbb, gg, s, horizon=5, time_unit="Y", discount_rate=0.0, data_time_unit="Y")
    e = bgbb.conditional_expected_number_of_transactions(5, s["frequency"], s["recency"], s["n_periods"])
    np.testing.assert_allclose(v["expected_discounted_purchases"], e, rtol=1e-10)
    assert v["clv"].iloc[0] > v["clv"].iloc[1] > 0


def test_clv_bad_input(gg, cdnow):
    bg = cvm.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    head = cdnow.head(5)
    with pytest.raises(cvm.InvalidInputError) as e:
        cvm.customer_lifetime_value(bg, gg, head, 12, "M", discount_rate=-1.0)
    assert e.value.field == "discount_rate"
    with pytest.raises(cvm.InvalidInputError) as e:
        cvm.customer_lifetime_value(bg, gg, head, horizon=-1.0)
    assert e.value.field == "horizon"
    with pytest.raises(cvm.UnknownNameError) as e:
        cvm.customer_lifetime_value(bg, gg, head, 12, time_unit="fortnight")
    assert e.value.field == "time_unit" and e.value.valid == ["D", "W", "M", "Y"]
    with pytest.raises(cvm.UnknownNameError) as e:
        cvm.customer_lifetime_value(bg, gg, head, 12, data_time_unit="sec")
    assert e.value.field == "data_time_unit"
    with pytest.raises(cvm.UnknownNameError) as e:
        cvm.customer_lifetime_value(bg, gg, head, 12, method="monthly")
    assert e.value.field == "method" and "lifetimes" in e.value.valid
    with pytest.raises(cvm.InvalidInputError) as e:
        cvm.customer_lifetime_value(bg, gg, head, 12.5, method="lifetimes")
    assert e.value.field == "horizon"
    bad = head.copy()
    bad.iloc[3, bad.columns.get_loc("recency")] = 99.0  # recency > T
    with pytest.raises(cvm.InvalidInputError) as e:
        cvm.customer_lifetime_value(bg, gg, bad, 12)
    assert (e.value.field, e.value.index) == ("recency", 3)
    bad = head.copy()
    bad.iloc[0, bad.columns.get_loc("monetary_value")] = -5.0
    with pytest.raises(cvm.InvalidInputError) as e:
        cvm.customer_lifetime_value(bg, gg, bad, 12)
    assert (e.value.field, e.value.index) == ("monetary_value", 0)
    # Intervals need fitted models.
    with pytest.raises(cvm.InvalidInputError) as e:
        cvm.customer_lifetime_value(bg, gg, head, 12, level=0.9)
    assert e.value.field == "covariance"
    # A spend model cannot be fitted on zero repeat buyers.
    with pytest.raises(cvm.InvalidInputError) as e:
        cvm.GammaGamma().fit([0, 0, 0], [0.0, 0.0, 0.0])
    assert e.value.field == "frequency"
    # Not a transaction model / not fitted.
    with pytest.raises(cvm.InvalidInputError) as e:
        cvm.customer_lifetime_value(cvm.ShiftedBetaGeo.from_params(alpha=1.0, beta=1.0), gg, head, 12)
    assert e.value.field == "transaction_model"
    with pytest.raises(cvm.InvalidInputError) as e:
        cvm.customer_lifetime_value(cvm.BetaGeo(), gg, head, 12)
    assert e.value.field == "model"
    with pytest.raises(cvm.InvalidInputError) as e:
        cvm.customer_lifetime_value(bg, cvm.GammaGamma(), head, 12)
    assert e.value.field == "model"
    # q <= 1: infinite expected spend is an error, not an infinite value.
    with pytest.raises(cvm.NumericalError):
        cvm.customer_lifetime_value(bg, cvm.GammaGamma.from_params(p=2.0, q=0.9, gamma=10.0), head, 12)
