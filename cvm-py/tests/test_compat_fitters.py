"""cvm.compat.lifetimes fitters against lifetimes 0.11.3's own numbers (tests/data/
lifetimes_reference.json, written by benches/lifetimes_reference.py in the pinned lifetimes stack).

Tolerances. lifetimes' own tests check the CDNOW estimates to 2 decimals
(``assert_array_almost_equal(..., decimal=2)``) and predictions to about 1e-3 relative; the
estimates here must agree to 1e-4 relative (lifetimes stops its optimisers at ``tol`` 1e-7 for
the BG/NBD family and 1e-4 (Nelder-Mead) for the Pareto/NBD, so the last digits are lifetimes'
stopping noise), standard errors to 1e-3 relative (lifetimes' autograd Hessian at its own
optimum), and every prediction computed at lifetimes' own parameters to 1e-7 relative (the
same formulas evaluated by cvm's core).
"""

from __future__ import annotations


import numpy as np
import pandas as pd
import pytest

import cvm
import cvm.compat.lifetimes as lifetimes
from cvm.compat.lifetimes.datasets import (
    load_cdnow_summary_data_with_monetary_value,
    load_donations,
)

from compat_support import REF, cdnow  # noqa: F401 (fixtures)

PARAMS_RTOL = 1e-4
SE_RTOL = 1e-3
VALUE_RTOL = 1e-7
TRANSACTION_FITTERS = ("BetaGeoFitter", "ModifiedBetaGeoFitter", "ParetoNBDFitter")


@pytest.fixture(scope="module")
def fitted(cdnow):
    return {name: getattr(lifetimes, name)().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
            for name in TRANSACTION_FITTERS}


def at_lifetimes_params(name: str, params: dict, data=None):
    """A fitter set to lifetimes' estimates (lifetimes users assign ``params_`` the same way)."""
    m = getattr(lifetimes, name)()
    m.params_ = pd.Series(params)
    if data is not None:
        m.data = data
    return m


def close(got, want, rtol, atol=0.0):
    np.testing.assert_allclose(np.asarray(got, dtype=float), np.asarray(want, dtype=float), rtol=rtol, atol=atol)


@pytest.mark.parametrize("name", TRANSACTION_FITTERS)
def test_cdnow_estimates_equal_lifetimes(fitted, name):
    ref = REF["cdnow"][name]
    m = fitted[name]
    assert isinstance(m.params_, pd.Series)
    assert list(m.params_.index) == list(m._names)
    close(m.params_[list(ref["params"])], list(ref["params"].values()), PARAMS_RTOL)
    if "standard_errors" in ref:  # lifetimes has no Hessian for its Pareto/NBD
        close(m.standard_errors_[list(ref["standard_errors"])], list(ref["standard_errors"].values()), SE_RTOL)
        close(np.diag(m.variance_matrix_), ref["variance_diagonal"], 2 * SE_RTOL)
    assert m.summary.columns.tolist() == ["coef", "se(coef)", "lower 95% bound", "upper 95% bound"]
    assert m.data.columns.tolist() == ["frequency", "recency", "T", "weights"] and len(m.data) == 2357


@pytest.mark.parametrize("name", TRANSACTION_FITTERS)
def test_cdnow_predictions_equal_lifetimes(cdnow, name):
    ref = REF["cdnow"][name]
    m = at_lifetimes_params(name, ref["params"], data=pd.DataFrame({"frequency": cdnow["frequency"], "T": cdnow["T"]}))
    sub = cdnow.iloc[REF["cdnow"]["rows"]]
    f, r, T = sub["frequency"], sub["recency"], sub["T"]
    close(m.conditional_expected_number_of_purchases_up_to_time(39, f, r, T),
          ref["conditional_expected_number_of_purchases_up_to_time_39"], VALUE_RTOL)
    close(m.predict(39, f, r, T), ref["conditional_expected_number_of_purchases_up_to_time_39"], VALUE_RTOL)
    close(m.conditional_probability_alive(f, r, T), ref["conditional_probability_alive"], VALUE_RTOL)
    close(m.expected_number_of_purchases_up_to_time(np.array([1.0, 10.0, 39.0, 78.0])),
          ref["expected_number_of_purchases_up_to_time"], VALUE_RTOL)
    if "probability_of_n_purchases_up_to_time_39" in ref:
        close([m.probability_of_n_purchases_up_to_time(39, n) for n in range(6)],
              ref["probability_of_n_purchases_up_to_time_39"], VALUE_RTOL)
    want = np.array(ref["conditional_probability_alive_matrix_5_10"])
    got = m.conditional_probability_alive_matrix(max_frequency=5, max_recency=10)
    assert got.shape == want.shape == (11, 6)
    rec, freq = np.meshgrid(np.arange(11), np.arange(6), indexing="ij")
    possible = (rec > 0) == (freq > 0)
    close(got[possible], want[possible], VALUE_RTOL)
    assert np.isnan(got[~possible]).all()  # histories no customer can have: blank, not a number


@pytest.mark.parametrize("name", TRANSACTION_FITTERS)
def test_return_types_are_lifetimes(fitted, cdnow, name):
    m, want = fitted[name], REF["cdnow"][name]["types"]
    f, r, T = cdnow["frequency"], cdnow["recency"], cdnow["T"]
    got = {
        "cond_purchases_series": m.conditional_expected_number_of_purchases_up_to_time(10, f, r, T),
        "cond_purchases_scalar": m.conditional_expected_number_of_purchases_up_to_time(10, 2, 30.0, 38.0),
        "palive_series": m.conditional_probability_alive(f, r, T),
        "palive_scalar": m.conditional_probability_alive(2, 30.0, 38.0),
        "expected_scalar": m.expected_number_of_purchases_up_to_time(10),
    }
    assert {k: type(v).__name__ for k, v in got.items()} == want
    assert got["cond_purchases_series"].index.equals(cdnow.index)


def test_time_array_broadcasts_like_numpy(fitted):
    m = fitted["BetaGeoFitter"]
    t = np.array([1.0, 10.0, 39.0])
    got = m.conditional_expected_number_of_purchases_up_to_time(t, 2, 30.0, 38.0)
    close(got, [m.conditional_expected_number_of_purchases_up_to_time(v, 2, 30.0, 38.0) for v in t], 1e-15)


def test_gamma_gamma_and_clv_equal_lifetimes():
    ref = REF["gamma_gamma"]
    data = load_cdnow_summary_data_with_monetary_value()
    repeat = data[data["frequency"] > 0]
    gg = lifetimes.GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
    close(gg.params_[list(ref["params"])], list(ref["params"].values()), PARAMS_RTOL)
    close(gg.standard_errors_[list(ref["standard_errors"])], list(ref["standard_errors"].values()), SE_RTOL)
    assert gg.data.columns.tolist() == ["monetary_value", "frequency", "weights"]

    gg = at_lifetimes_params("GammaGammaFitter", ref["params"], data=gg.data)
    bg = at_lifetimes_params("BetaGeoFitter", ref["bg_params"])
    sub = data.iloc[REF["cdnow"]["rows"]]
    close(gg.conditional_expected_average_profit(sub["frequency"], sub["monetary_value"]),
          ref["conditional_expected_average_profit"], VALUE_RTOL)
    close(gg.conditional_expected_average_profit().mean(), ref["mean_profit_all"], VALUE_RTOL)
    clv = gg.customer_lifetime_value(bg, sub["frequency"], sub["recency"], sub["T"], sub["monetary_value"],
                                     time=12, discount_rate=0.01, freq="W")
    assert type(clv).__name__ == ref["clv_type"] and clv.name == "clv" and clv.index.equals(sub.index)
    close(clv, ref["customer_lifetime_value_W_12"], VALUE_RTOL)


def test_bg_bb_on_donations_equals_lifetimes():
    ref = REF["donations"]
    d = load_donations()
    m = lifetimes.BetaGeoBetaBinomFitter().fit(d["frequency"], d["recency"], d["periods"], weights=d["weights"])
    close(m.params_[list(ref["params"])], list(ref["params"].values()), PARAMS_RTOL)
    close(m.standard_errors_[list(ref["standard_errors"])], list(ref["standard_errors"].values()), SE_RTOL)
    assert m.data.columns.tolist() == ["frequency", "recency", "n_periods", "weights"]
    data = m.data
    m = at_lifetimes_params("BetaGeoBetaBinomFitter", ref["params"], data=data)
    close(m.conditional_expected_number_of_purchases_up_to_time(5, d["frequency"], d["recency"], d["periods"]),
          ref["conditional_expected_number_of_purchases_up_to_time_5"], VALUE_RTOL)
    close(m.conditional_probability_alive(1, d["frequency"], d["recency"], d["periods"]),
          ref["conditional_probability_alive_1"], VALUE_RTOL)
    table = m.expected_number_of_transactions_in_first_n_periods(6)
    want = ref["expected_number_of_transactions_in_first_n_periods_6"]
    assert table.columns.tolist() == ["model"] and table.index.name == "frequency"
    assert [str(int(i)) for i in table.index] == list(want)
    close(table["model"], list(want.values()), VALUE_RTOL)
    # the table accounts for every donor
    assert table["model"].sum() == pytest.approx(d["weights"].sum(), rel=1e-9)


def test_pareto_conditional_count_distribution_equals_lifetimes(cdnow):
    """lifetimes' ``conditional_probability_of_n_purchases_up_to_time`` (Fader & Hardie 2006,
    eq. 16) at its own parameters, n = 0..5, t = 39, on every 47th CDNOW customer."""
    ref = REF["cdnow"]["ParetoNBDFitter"]
    m = at_lifetimes_params("ParetoNBDFitter", ref["params"])
    sub = cdnow.iloc[REF["cdnow"]["rows"]]
    f, r, T = sub["frequency"], sub["recency"], sub["T"]
    for n, want in enumerate(ref["conditional_probability_of_n_purchases_up_to_time_39"]):
        got = m.conditional_probability_of_n_purchases_up_to_time(n, 39, f, r, T)
        assert isinstance(got, pd.Series) and got.index.equals(sub.index)
        close(got, want, VALUE_RTOL)
    # a distribution over n whose mean is the conditional expectation
    total = sum(m.conditional_probability_of_n_purchases_up_to_time(n, 39, f, r, T) for n in range(300))
    close(total, np.ones(len(sub)), 0.0, atol=1e-10)
    mean = sum(n * m.conditional_probability_of_n_purchases_up_to_time(n, 39, f, r, T) for n in range(300))
    close(mean, m.conditional_expected_number_of_purchases_up_to_time(39, f, r, T), 1e-9)
    scalar = m.conditional_probability_of_n_purchases_up_to_time(1, 39, 2, 30.43, 38.86)
    assert isinstance(scalar, np.floating)
    # t = 0: nothing can happen (lifetimes returns 0 for n = 0 too)
    assert m.conditional_probability_of_n_purchases_up_to_time(0, 0, 2, 30.43, 38.86) == 1.0
    assert m.conditional_probability_of_n_purchases_up_to_time(3, 0, 2, 30.43, 38.86) == 0.0
    # the same numbers from cvm's own model
    direct = m.cvm_model.conditional_probability_of_n_purchases(2, 39.0, f, r, T)
    close(direct, ref["conditional_probability_of_n_purchases_up_to_time_39"][2], VALUE_RTOL)
    with pytest.raises(cvm.InvalidValueError) as err:
        m.conditional_probability_of_n_purchases_up_to_time(1, -1.0, f, r, T)
    assert err.value.field == "t"
    with pytest.raises(cvm.InvalidValueError) as err:
        m.conditional_probability_of_n_purchases_up_to_time(1.5, 39, f, r, T)
    assert err.value.field == "n"
    with pytest.raises(cvm.InvalidInputError) as err:
        m.conditional_probability_of_n_purchases_up_to_time(1, 39, [2.0], [50.0], [38.0])
    assert err.value.field == "recency"


def test_intervals_are_on_the_log_scale(fitted):
    m = fitted["ParetoNBDFitter"]
    ci = m.confidence_intervals_
    assert (ci["lower 95% bound"] > 0).all()  # lifetimes' beta ± 1.96 se would go negative here
    se = m.standard_errors_
    assert (m.params_ - 1.96 * se)["beta"] < 0
    close(np.log(ci["upper 95% bound"] / m.params_), np.log(m.params_ / ci["lower 95% bound"]), 1e-12)
    vm = m.variance_matrix_
    close(vm, vm.T, 1e-12)  # symmetric (lifetimes scales only the columns)
