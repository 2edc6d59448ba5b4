"""Trust at the edges: pandas inputs aligned by label, errors that name the argument, the row,
what was expected and what was given (the bad-input rows are in ``catalogue_python.py``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cvm

BG = cvm.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
GG = cvm.GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
BGBB = cvm.BetaGeoBetaBinom.from_params(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)

F = pd.Series([2.0, 0.0, 5.0, 1.0], index=["a", "b", "c", "d"])
R = pd.Series([10.0, 0.0, 30.0, 4.0], index=F.index)
T = pd.Series([40.0, 20.0, 38.0, 12.0], index=F.index)
ORDER = ["d", "b", "a", "c"]


@pytest.mark.parametrize("method", ["probability_alive", "log_likelihood_individual"])
def test_models_align_reordered_series_by_label(method):
    expected = getattr(BG, method)(F, R, T)
    got = getattr(BG, method)(F, R[ORDER], T.loc[["c", "a", "d", "b"]])
    assert got.index.equals(F.index)
    assert np.array_equal(got.to_numpy(), expected.to_numpy())


def test_expected_purchases_aligns_like_lifetimes():
    expected = BG.expected_purchases(10, F, R, T)
    got = BG.expected_purchases(10, F[ORDER], R, T)
    assert got.index.tolist() == ORDER  # labelled like the first Series
    assert np.array_equal(got.to_numpy(), expected[ORDER].to_numpy())


def test_first_pandas_input_labels_the_result():
    got = BG.probability_alive(F.to_numpy(), R, T[ORDER])
    assert got.index.equals(R.index)
    assert np.array_equal(got.to_numpy(), BG.probability_alive(F, R, T).to_numpy())


def test_identical_indexes_with_duplicates_combine_by_position():
    idx = ["a", "a", "b", "b"]
    got = BG.probability_alive(F.set_axis(idx), R.set_axis(idx), T.set_axis(idx))
    assert np.array_equal(got.to_numpy(), BG.probability_alive(F, R, T).to_numpy())


def test_fit_aligns_weights_by_label():
    summary = cvm.datasets.load_cdnow_summary().head(300)
    w = pd.Series(np.arange(1, 301, dtype=float) % 3 + 1, index=summary.index)
    a = cvm.BetaGeo().fit(summary["frequency"], summary["recency"], summary["T"], weights=w)
    b = cvm.BetaGeo().fit(summary["frequency"], summary["recency"], summary["T"], weights=w[::-1])
    assert a.params_ == b.params_


def test_gamma_gamma_and_bgbb_align():
    z = pd.Series([25.0, 0.0, 40.0, 12.0], index=F.index)
    expected = GG.conditional_expected_average_spend(F, z)
    got = GG.conditional_expected_average_spend(F, z[ORDER])
    assert np.array_equal(got.to_numpy(), expected.to_numpy())
    f, r, n = pd.Series([1, 2, 0], index=list("xyz")), pd.Series([2, 4, 0], index=list("xyz")), pd.Series([6, 6, 6], index=list("xyz"))
    got = BGBB.conditional_expected_number_of_transactions(3, f, r[["z", "y", "x"]], n)
    assert np.array_equal(got.to_numpy(), BGBB.conditional_expected_number_of_transactions(3, f, r, n).to_numpy())


def test_value_functions_align():
    margin = pd.Series([120.0, 40.0, 60.0], index=["ann", "bob", "cy"])
    retention = pd.Series([0.8, 0.5, 0.9], index=margin.index)
    got = cvm.cashflow_clv(margin, 0.1, None, retention=retention[["cy", "ann", "bob"]])
    assert got.index.equals(margin.index)
    assert np.array_equal(got.to_numpy(), cvm.cashflow_clv(margin, 0.1, None, retention=retention).to_numpy())
    # a plain list is still a schedule shared by all customers
    shared = cvm.cashflow_clv(margin, 0.1, 3, retention=[0.8, 0.7])
    assert shared.index.equals(margin.index)
    m = cvm.value_matrix(margin, retention[["bob", "cy", "ann"]])
    assert m.customers.index.equals(margin.index)
    assert m.customers["potential_level"].tolist() == cvm.value_matrix(margin, retention).customers["potential_level"].tolist()
    d = cvm.value_decomposition(margin, retention[::-1] * 100)
    assert d.index.equals(margin.index)
    assert d["potential"].tolist() == (retention * 100).tolist()


def test_misaligned_error_names_both_arguments():
    with pytest.raises(cvm.InvalidValueError) as info:
        BG.expected_purchases(10, F, R.rename({"d": "e"}), T)
    assert info.value.field == "recency" and info.value.index == 3
    assert "`frequency`" in str(info.value) and "'e'" in str(info.value)


def test_missing_column_is_also_a_key_error():
    with pytest.raises(KeyError) as info:
        BG.predict(pd.DataFrame({"frequency": [1.0], "recency": [1.0]}), t=10)
    exc = info.value
    assert isinstance(exc, cvm.InvalidInputError) and isinstance(exc, ValueError)
    assert exc.field == "T" and exc.columns == ["frequency", "recency"]
    assert str(exc).startswith("`T`: no such column")  # not quoted like a bare KeyError


def test_rfm_segments_accepts_polars():
    pl = pytest.importorskip("polars")
    summary = cvm.datasets.load_cdnow_summary()
    expected = cvm.rfm_segments(summary)
    got = cvm.rfm_segments(pl.from_pandas(summary.reset_index(drop=True)))
    assert got["segment"].tolist() == expected["segment"].tolist()
    assert got["r_score"].tolist() == expected["r_score"].tolist()


def test_models_fit_and_predict_from_polars():
    pl = pytest.importorskip("polars")
    summary = cvm.datasets.load_cdnow_summary().head(500)
    table = pl.from_pandas(summary.reset_index(drop=True))
    assert cvm.BetaGeo().fit(table).params_ == cvm.BetaGeo().fit(summary).params_
    got = BG.predict(table, t=10)["expected_purchases"].to_numpy()
    assert np.array_equal(got, BG.predict(summary, t=10)["expected_purchases"].to_numpy())


def test_rules_evaluate_polars():
    pl = pytest.importorskip("polars")
    rules = cvm.rules.dormant_account()
    df = pd.DataFrame({"holdings_balance": [0.0, 5.0], "cash_balance": [80.0, 80.0],
                       "years_since_last_trade": [4.0, 4.0]})
    got = rules.evaluate(pl.from_pandas(df))
    assert got["decision"].tolist() == rules.evaluate(df)["decision"].tolist()


def test_model_swap_is_a_type_error():
    s = cvm.datasets.load_cdnow_summary_with_transactions().rename(
        columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"}).head(3)
    with pytest.raises(TypeError) as info:
        cvm.customer_lifetime_value(GG, BG, s)
    assert info.value.field == "transaction_model"
    assert "GammaGamma" in str(info.value) and "BetaGeo" in str(info.value)


def test_numeric_strings_still_read():
    got = GG.conditional_expected_average_spend(pd.Series(["2", "1"]), pd.Series(["22.35", "11.77"]))
    assert np.allclose(got.to_numpy(), GG.conditional_expected_average_spend([2, 1], [22.35, 11.77]))


def test_polars_series_are_arrays():
    pl = pytest.importorskip("polars")
    f, r, t = (pl.Series(v.to_numpy()) for v in (F, R, T))
    got = BG.probability_alive(f, r, t)
    assert np.array_equal(got, BG.probability_alive(F, R, T).to_numpy())
    summary = cvm.datasets.load_cdnow_summary().head(200)
    a = cvm.BetaGeo().fit(*(pl.Series(summary[c].to_numpy()) for c in ("frequency", "recency", "T")))
    assert a.params_ == cvm.BetaGeo().fit(summary).params_
