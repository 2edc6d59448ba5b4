"""Covariate models from Python (docs/covariates.md): the fit on CDNOW with a covariate from the
first purchase, the plain model at each customer's parameters, alignment by customer id, every
bad-input case, the likelihood-ratio test, persistence; BG/BB and Gamma-Gamma."""

import json
import pickle

import numpy as np
import pandas as pd
import pytest

import cvm


@pytest.fixture(scope="module")
def summary():
    return cvm.datasets.load_cdnow_summary()


@pytest.fixture(scope="module")
def z(summary):
    """`big_first`: the first day's purchases above the median (CDNOW transaction log)."""
    log = cvm.datasets.load_cdnow_transactions()
    first_day = log["date"] == log.groupby("customer_id")["date"].transform("min")
    first = log[first_day].groupby("customer_id")["amount"].sum()
    return pd.DataFrame({"big_first": (first > first.median()).astype(float)}).loc[summary.index]


@pytest.fixture(scope="module")
def pnbd(summary, z):
    return cvm.ParetoNBD().fit(summary, transaction_covariates=z, lifetime_covariates=z)


def columns(s):
    return s["frequency"], s["recency"], s["T"]


def test_names_summary_and_effect(pnbd):
    assert list(pnbd.params_) == ["r", "alpha", "s", "beta", "trans_big_first", "life_big_first"]
    table = pnbd.summary
    assert list(table.index) == list(pnbd.params_)
    assert list(table.columns) == ["estimate", "std_error", "lower_95", "upper_95"]
    assert table.notna().all().all()
    # A big first order goes with more purchases: e^0.34 ≈ 1.4 times the rate, clearly nonzero.
    g, se = pnbd.params_["trans_big_first"], pnbd.standard_errors_["trans_big_first"]
    assert 0.2 < g < 0.5 and g / se > 3
    ci = pnbd.confidence_intervals(0.95).loc["trans_big_first"]
    assert ci["lower"] == pytest.approx(g - 1.959963984540054 * se, abs=1e-10)
    assert pnbd.covariates_ == {"transaction_covariates": ["big_first"], "lifetime_covariates": ["big_first"]}
    assert pnbd.log_covariance_.shape == (6, 6) and pnbd.covariance_ is None


def test_likelihood_ratio_test(summary, pnbd):
    lr = pnbd.likelihood_ratio_test()
    assert isinstance(lr, cvm.LikelihoodRatioTest) and lr.df == 2
    plain = cvm.ParetoNBD().fit(summary)
    assert lr.statistic == pytest.approx(2 * (pnbd.log_likelihood_ - plain.log_likelihood_), abs=1e-6)
    assert 0 < lr.p_value < 1e-4
    statistic, df, p = lr
    assert (statistic, df, p) == (lr.statistic, 2, lr.p_value)
    with pytest.raises(cvm.InvalidValueError) as e:
        plain.likelihood_ratio_test()
    assert e.value.field == "model"
    assert f"vs. no covariates LR {lr.statistic:.4g} on 2 df" in repr(pnbd)


def test_each_customer_is_the_plain_model_at_its_parameters(summary, z, pnbd):
    p = pnbd.customer_params(transaction_covariates=z, lifetime_covariates=z)
    assert list(p.columns) == ["r", "alpha", "s", "beta"] and (p.index == summary.index).all()
    alive = pnbd.probability_alive(*columns(summary), transaction_covariates=z, lifetime_covariates=z)
    expected = pnbd.expected_purchases(39, *columns(summary), transaction_covariates=z, lifetime_covariates=z)
    ll = pnbd.log_likelihood_individual(*columns(summary), transaction_covariates=z, lifetime_covariates=z)
    for group in (0.0, 1.0):
        ids = z.index[z["big_first"] == group]
        plain = cvm.ParetoNBD.from_params(**p.loc[ids[0]].to_dict())
        s = summary.loc[ids]
        assert np.max(np.abs(plain.probability_alive(*columns(s)) - alive.loc[ids])) <= 1e-12
        assert np.max(np.abs(plain.expected_purchases(39, *columns(s)) - expected.loc[ids])) <= 1e-12
        assert np.max(np.abs(plain.log_likelihood_individual(*columns(s)) - ll.loc[ids])) <= 1e-12
    # The customers with z = 0 have the base parameters.
    base = {k: pnbd.params_[k] for k in ("r", "alpha", "s", "beta")}
    zero = z.index[z["big_first"] == 0.0]
    assert p.loc[zero[0]].to_dict() == pytest.approx(base, abs=0)
    assert float(ll.sum()) == pytest.approx(pnbd.log_likelihood_, rel=1e-12)


def test_predict_per_customer_with_intervals(summary, z, pnbd):
    pred = pnbd.predict(summary, t=39, level=0.9, transaction_covariates=z, lifetime_covariates=z)
    assert list(pred.columns) == ["probability_alive", "expected_purchases", "probability_alive_lower",
                                  "probability_alive_upper", "expected_purchases_lower", "expected_purchases_upper"]
    alive = pnbd.probability_alive(*columns(summary), transaction_covariates=z, lifetime_covariates=z)
    assert np.max(np.abs(pred["probability_alive"] - alive)) <= 1e-12
    assert (pred["probability_alive_lower"] <= pred["probability_alive"]).all()
    assert (pred["expected_purchases"] <= pred["expected_purchases_upper"]).all()
    plain = pnbd.predict(summary, t=39, transaction_covariates=z, lifetime_covariates=z)
    assert np.array_equal(plain["expected_purchases"].to_numpy(), pred["expected_purchases"].to_numpy())
    # Without the covariates: the core's error names what is missing.
    with pytest.raises(cvm.InvalidValueError) as e:
        pnbd.predict(summary, t=39, transaction_covariates=z)
    assert e.value.field == "lifetime_covariates" and "big_first" in str(e.value)
    with pytest.raises(cvm.InvalidValueError) as e:
        pnbd.predict(summary, t=39, transaction_covariates=z, lifetime_covariates=z.rename(columns={"big_first": "x"}))
    assert e.value.field == "lifetime_covariates" and "missing column `big_first`" in str(e.value)


def test_probability_of_n_purchases_per_row(z, pnbd):
    p = pnbd.customer_params(transaction_covariates=z, lifetime_covariates=z)
    got = pnbd.probability_of_n_purchases(2, 52.0, transaction_covariates=z, lifetime_covariates=z)
    assert (got.index == z.index).all()
    i = z.index[z["big_first"] == 1.0][0]
    want = cvm.ParetoNBD.from_params(**p.loc[i].to_dict()).probability_of_n_purchases(2, 52.0)
    assert abs(got.loc[i] - want) <= 1e-12


def test_alignment_by_customer_id(summary, z, pnbd):
    shuffled = z.sample(frac=1.0, random_state=3)
    extra = pd.concat([shuffled, pd.DataFrame({"big_first": [1.0]}, index=[99999])])
    m = cvm.ParetoNBD().fit(summary, transaction_covariates=extra, lifetime_covariates=shuffled["big_first"])
    assert m.params_ == pnbd.params_
    a = m.probability_alive(*columns(summary), transaction_covariates=shuffled, lifetime_covariates=extra)
    b = pnbd.probability_alive(*columns(summary), transaction_covariates=z, lifetime_covariates=z)
    assert np.array_equal(a.to_numpy(), b.to_numpy())


def test_bad_covariates_name_the_customer_column_and_row(summary, z):
    fit = cvm.ParetoNBD().fit
    with pytest.raises(cvm.InvalidValueError) as e:
        fit(summary, transaction_covariates=z.drop(index=17))
    assert e.value.field == "transaction_covariates" and e.value.index == 16 and "customer id 17" in str(e.value)
    with pytest.raises(cvm.InvalidValueError) as e:
        fit(summary, lifetime_covariates=pd.concat([z, z.iloc[[4]]]))
    assert e.value.field == "lifetime_covariates" and "customer id 5 appears more than once" in str(e.value)
    nan = z.copy()
    nan.iloc[7, 0] = np.nan
    with pytest.raises(cvm.InvalidValueError) as e:
        fit(summary, transaction_covariates=nan)
    assert (e.value.field, e.value.index) == ("big_first", 7) and "index label" in str(e.value)
    with pytest.raises(cvm.NotIdentifiedError) as e:
        fit(summary, transaction_covariates=z.assign(zero=0.0))
    assert "`zero` is constant" in str(e.value)
    with pytest.raises(cvm.NotIdentifiedError) as e:
        fit(summary, transaction_covariates=z.assign(twice=2 * z["big_first"]))
    assert "`twice`" in str(e.value)
    with pytest.raises(cvm.InvalidValueError) as e:
        fit(summary, transaction_covariates=pd.Series(z["big_first"].to_numpy(), index=z.index))
    assert "needs a name" in str(e.value)
    with pytest.raises(cvm.InvalidValueError) as e:
        fit(summary, l2=0.1)
    assert e.value.field == "l2"
    with pytest.raises(cvm.InvalidValueError) as e:
        fit(summary, weights=np.ones(len(summary)), transaction_covariates=z)
    assert e.value.field == "weights"
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.ParetoNBD().fit(summary).probability_alive(*columns(summary), transaction_covariates=z)
    assert e.value.field == "transaction_covariates"


def test_options_l2_and_shared(summary, z, pnbd):
    shared = cvm.ParetoNBD().fit(summary, transaction_covariates=z, lifetime_covariates=z, shared=["big_first"])
    assert list(shared.params_)[4:] == ["shared_big_first"]
    assert shared.likelihood_ratio_test().df == 1
    shrunk = cvm.ParetoNBD().fit(summary, transaction_covariates=z, lifetime_covariates=z, l2=1.0)
    assert abs(shrunk.params_["trans_big_first"]) < abs(pnbd.params_["trans_big_first"])


def test_persistence(summary, z, pnbd):
    for back in (cvm.load_model(pnbd.to_json()), cvm.ParetoNBD.from_json(pnbd.to_json()),
                 pickle.loads(pickle.dumps(pnbd))):
        assert type(back) is cvm.ParetoNBD and back.params_ == pnbd.params_
        assert back.summary.equals(pnbd.summary)
        a = back.probability_alive(*columns(summary), transaction_covariates=z, lifetime_covariates=z)
        b = pnbd.probability_alive(*columns(summary), transaction_covariates=z, lifetime_covariates=z)
        assert np.array_equal(a.to_numpy(), b.to_numpy())
    assert json.loads(pnbd.to_json())["covariates"]["trans"] == ["big_first"]
    for cls in (cvm.BetaGeo, cvm.ShiftedBetaGeo):
        with pytest.raises(cvm.SerializationError) as e:
            cls.from_json(pnbd.to_json())
        assert e.value.field == "$.model"
    with pytest.raises(cvm.InvalidValueError) as e:
        pnbd.simulate(10, 39.0)
    assert "simulate is not available for a model fitted with covariates" in str(e.value)


@pytest.mark.parametrize("cls", [cvm.BetaGeo, cvm.ModifiedBetaGeo])
def test_bg_family(cls, summary, z):
    m = cls().fit(summary, transaction_covariates=z, lifetime_covariates=z)
    assert list(m.params_)[4:] == ["trans_big_first", "life_big_first"]
    p = m.customer_params(transaction_covariates=z, lifetime_covariates=z)
    i = z.index[z["big_first"] == 1.0][:50]
    plain = cls.from_params(**p.loc[i[0]].to_dict())
    got = m.probability_alive(*columns(summary.loc[i]), transaction_covariates=z, lifetime_covariates=z)
    assert np.max(np.abs(plain.probability_alive(*columns(summary.loc[i])) - got)) <= 1e-12
    assert type(cvm.load_model(m.to_json())) is cls


def test_bg_bb():
    truth = cvm.BetaGeoBetaBinom.from_params(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
    c = truth.simulate(3000, 6, seed=1)
    c.index = pd.Index([f"c{i}" for i in range(len(c))], name="id")
    zc = pd.DataFrame({"x": (np.arange(len(c)) % 3 == 0)}, index=c.index)  # bool: numeric
    m = cvm.BetaGeoBetaBinom().fit(c, transaction_covariates=zc, lifetime_covariates=zc)
    assert list(m.params_)[4:] == ["trans_x", "life_x"]
    p = m.customer_params(transaction_covariates=zc, lifetime_covariates=zc)
    cols = (c["frequency"], c["recency"], c["n_periods"])
    alive = m.conditional_probability_alive(0, *cols, transaction_covariates=zc, lifetime_covariates=zc)
    tx = m.conditional_expected_number_of_transactions(3, *cols, transaction_covariates=zc, lifetime_covariates=zc)
    i = "c0"  # x = 1
    plain = cvm.BetaGeoBetaBinom.from_params(**p.loc[i].to_dict())
    one = tuple(col.loc[[i]] for col in cols)
    assert abs(plain.conditional_probability_alive(0, *one).iloc[0] - alive.loc[i]) <= 1e-12
    assert abs(plain.conditional_expected_number_of_transactions(3, *one).iloc[0] - tx.loc[i]) <= 1e-12
    with pytest.raises(cvm.InvalidValueError) as e:
        m.conditional_probability_alive(2, *cols, transaction_covariates=zc, lifetime_covariates=zc)
    assert e.value.field == "m"
    assert type(cvm.load_model(m.to_json())) is cvm.BetaGeoBetaBinom


def test_gamma_gamma_spend_covariates(z):
    s = cvm.datasets.load_cdnow_summary_with_transactions()
    f, mv = s["x"], s["zbar"]
    gg = cvm.GammaGamma().fit(f, mv, spend_covariates=z)
    assert list(gg.params_) == ["p", "q", "gamma", "spend_big_first"]
    assert gg.likelihood_ratio_test().df == 1
    p = gg.customer_params(spend_covariates=z)
    ll = gg.log_likelihood_individual(f, mv, spend_covariates=z)
    i = z.index[z["big_first"] == 1.0][:40]
    plain = cvm.GammaGamma.from_params(**p.loc[i[0]].to_dict())
    assert np.max(np.abs(plain.log_likelihood_individual(f.loc[i], mv.loc[i]) - ll.loc[i])) <= 1e-12
    # Expected spend per customer: the plain model's at the customer's parameters, with intervals.
    e = gg.conditional_expected_average_spend(f, mv, spend_covariates=z)
    assert np.max(np.abs(plain.conditional_expected_average_spend(f.loc[i], mv.loc[i]) - e.loc[i])) <= 1e-12
    band = gg.conditional_expected_average_spend(f, mv, level=0.9, spend_covariates=z)
    assert np.array_equal(band["expected_spend"].to_numpy(), e.to_numpy())
    assert ((band["lower"] < e) & (e < band["upper"])).all()
    with pytest.raises(cvm.InvalidValueError, match="spend_covariates"):
        gg.conditional_expected_average_spend(f, mv)
    assert type(cvm.load_model(gg.to_json())) is cvm.GammaGamma


@pytest.fixture(scope="module")
def channels(summary):
    rng = np.random.default_rng(1)
    return pd.DataFrame({
        "channel": pd.Categorical(rng.choice(["web", "store", "email"], len(summary)),
                                  categories=["web", "store", "email", "phone"]),
        "region": rng.choice(["south", "north"], len(summary)),
    }, index=summary.index)


def test_categorical_columns_and_reference_levels(summary, channels):
    m = cvm.ParetoNBD().fit(summary, transaction_covariates=channels, lifetime_covariates=channels[["region"]])
    # A `category` column: the first category present is the reference; an object column: the
    # first level in sorted order. Unused categories (phone) have no indicator.
    assert list(m.params_)[4:] == ["trans_channel[email]", "trans_channel[store]", "trans_region[south]",
                                   "life_region[south]"]
    assert m.covariate_levels_ == {
        "transaction_covariates": {"channel": {"levels": ["email", "store", "web"], "reference": "web"},
                                   "region": {"levels": ["north", "south"], "reference": "north"}},
        "lifetime_covariates": {"region": {"levels": ["north", "south"], "reference": "north"}},
    }
    # The model encodes new data with its own levels: another order of categories, strings.
    other = channels.assign(channel=channels["channel"].astype(str), region=channels["region"].astype("category"))
    a = m.probability_alive(*columns(summary), transaction_covariates=other, lifetime_covariates=other)
    b = m.probability_alive(*columns(summary), transaction_covariates=channels, lifetime_covariates=channels)
    assert np.array_equal(a.to_numpy(), b.to_numpy())
    back = cvm.load_model(m.to_json())
    assert back.covariate_levels_ == m.covariate_levels_
    unseen = other.copy()
    unseen.iloc[3, 0] = "phone"
    with pytest.raises(cvm.InvalidValueError) as e:
        m.probability_alive(*columns(summary), transaction_covariates=unseen, lifetime_covariates=unseen)
    assert (e.value.field, e.value.index) == ("channel", 3) and "level `phone`" in str(e.value)
    missing = other.copy()
    missing.iloc[5, 0] = None
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.ParetoNBD().fit(summary, transaction_covariates=missing)
    assert (e.value.field, e.value.index) == ("channel", 5) and "missing value" in str(e.value)


def test_polars_covariates_row_by_row(summary, z, pnbd):
    pl = pytest.importorskip("polars")
    zp = pl.DataFrame({"big_first": z["big_first"].to_numpy()})
    m = cvm.ParetoNBD().fit(summary, transaction_covariates=zp, lifetime_covariates=zp)
    assert m.params_ == pnbd.params_
    with pytest.raises(cvm.LengthMismatchError):
        cvm.ParetoNBD().fit(summary, transaction_covariates=zp.head(10))


def test_docs_examples_run():
    """The Python examples of docs/covariates.md, run as doctests (their printed numbers checked)."""
    import doctest
    import pathlib
    import re

    text = (pathlib.Path(__file__).resolve().parents[2] / "docs" / "covariates.md").read_text(encoding="utf-8")
    source = "\n".join(b for b in re.findall(r"```python\n(.*?)```", text, re.S) if ">>>" in b)
    test = doctest.DocTestParser().get_doctest(source, {}, "docs/covariates.md", "docs/covariates.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted >= 10 and result.failed == 0


def test_progress_chunks_customers_and_covariates(summary, z, pnbd, monkeypatch):
    pytest.importorskip("tqdm")
    from cvm import _progress

    monkeypatch.setattr(_progress, "MIN_ROWS", 100)
    kw = {"transaction_covariates": z, "lifetime_covariates": z}
    a = pnbd.predict(summary, t=39, level=0.9, progress=True, **kw)
    b = pnbd.predict(summary, t=39, level=0.9, **kw)
    assert a.equals(b)
    nan = z.copy()
    nan.iloc[1500, 0] = np.nan
    with pytest.raises(cvm.InvalidValueError) as e:
        pnbd.probability_alive(*columns(summary), progress=True, transaction_covariates=nan, lifetime_covariates=z)
    assert (e.value.field, e.value.index) == ("big_first", 1500)


@pytest.fixture(scope="module")
def spend_summary():
    s = cvm.datasets.load_cdnow_summary_with_transactions()
    return s.rename(columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"})


def test_clv_per_customer_is_the_plain_clv_at_its_parameters(spend_summary, z):
    s = spend_summary
    m = cvm.ParetoNBD().fit(s, transaction_covariates=z, lifetime_covariates=z)
    gg = cvm.GammaGamma().fit(s, spend_covariates=z)
    assert gg.params_["spend_big_first"] > 0  # a big first order, bigger later orders
    kw = {"horizon": 12, "time_unit": "M", "discount_rate": 0.01}
    v = cvm.customer_lifetime_value(m, gg, s, level=0.9, transaction_covariates=z, lifetime_covariates=z,
                                    spend_covariates=z, **kw)
    assert list(v.columns) == ["clv", "expected_discounted_purchases", "expected_spend", "lower", "upper"]
    assert (v["lower"] <= v["clv"]).all() and (v["clv"] <= v["upper"]).all()
    pt = m.customer_params(transaction_covariates=z, lifetime_covariates=z)
    ps = gg.customer_params(spend_covariates=z)
    for group in (0.0, 1.0):  # group 0 has the base parameters: the covariates are all zero
        ids = z.index[z["big_first"] == group]
        plain_t = cvm.ParetoNBD.from_params(**pt.loc[ids[0]].to_dict(), time_unit="W")
        plain_s = cvm.GammaGamma.from_params(**ps.loc[ids[0]].to_dict())
        want = cvm.customer_lifetime_value(plain_t, plain_s, s.loc[ids], **kw)
        got = v.loc[ids]
        assert np.max(np.abs(got["clv"] - want["clv"]) / want["clv"]) <= 1e-10
        assert np.max(np.abs(got["expected_spend"] - want["expected_spend"])) <= 1e-10
    same = gg.customer_lifetime_value(m, s, level=0.9, transaction_covariates=z, lifetime_covariates=z,
                                      spend_covariates=z, **kw)
    assert same.equals(v)
    # One side plain: the plain spend model for every customer.
    plain_gg = cvm.GammaGamma().fit(s)
    mixed = cvm.customer_lifetime_value(m, plain_gg, s, transaction_covariates=z, lifetime_covariates=z, **kw)
    ids = z.index[z["big_first"] == 1.0]
    plain_t = cvm.ParetoNBD.from_params(**pt.loc[ids[0]].to_dict(), time_unit="W")
    want = cvm.customer_lifetime_value(plain_t, plain_gg, s.loc[ids], **kw)
    assert np.max(np.abs(mixed.loc[ids, "clv"] - want["clv"]) / want["clv"]) <= 1e-10
    # Errors name what is missing or misplaced.
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.customer_lifetime_value(m, gg, s, transaction_covariates=z, lifetime_covariates=z, **kw)
    assert e.value.field == "spend_covariates"
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.customer_lifetime_value(cvm.ParetoNBD().fit(s), plain_gg, s, spend_covariates=z, **kw)
    assert e.value.field == "spend_covariates"
