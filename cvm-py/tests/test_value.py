"""Value models from Python: the same golden vectors as the core's tests, and every bad input."""

import math
import pathlib

import numpy as np
import pandas as pd
import pytest

import cvm

EXACT = 1e-9  # absolute, on values of order 1e3: rounding only
REVENUE = [1000.0, 1500.0, 2000.0]


def worked(**kw):
    return cvm.cashflow_clv(REVENUE, 0.15, 5, cost=500.0, acquisition_cost=2500.0, **kw)


# ------------------------------------------------------------------ cash-flow CLV


def test_worked_example():
    end = worked()
    assert isinstance(end, float)
    assert end == pytest.approx(1280.60, abs=0.005)
    assert end == pytest.approx(1280.5955959774055, abs=EXACT)
    start = worked(timing="start")
    assert start == pytest.approx(1847.68, abs=0.005)
    assert start == pytest.approx(1847.6849353740163, abs=EXACT)
    assert start == pytest.approx((end + 2500.0) * 1.15 - 2500.0, abs=EXACT)


def test_worked_example_breakdown():
    b = worked(breakdown=True)
    assert list(b.index) == [1, 2, 3, 4, 5]
    assert b.index.name == "period"
    assert b["revenue"].tolist() == [1000.0, 1500.0, 2000.0, 2000.0, 2000.0]
    assert b["contribution"].tolist() == [500.0, 1000.0, 1500.0, 1500.0, 1500.0]
    pv = [434.7826086956522, 756.1436672967865, 986.2743486479824, 857.6298683895501,
          745.7651029474348]
    np.testing.assert_allclose(b["present_value"], pv, rtol=1e-13)
    np.testing.assert_allclose(b["discount_factor"], 1.15 ** -np.arange(1, 6), rtol=1e-14)
    assert (b["survival"] == 1.0).all()
    assert b["cumulative"].iloc[0] == pytest.approx(-2065.22, abs=0.005)
    assert b["cumulative"].iloc[2] == pytest.approx(-322.80, abs=0.005)
    assert b["cumulative"].iloc[3] == pytest.approx(534.83, abs=0.005)
    assert b["cumulative"].iloc[4] == pytest.approx(1280.5955959774055, abs=EXACT)
    assert b.attrs == pytest.approx({"acquisition_cost": 2500.0, "tail_value": 0.0,
                                     "clv": 1280.5955959774055}, abs=EXACT)


def test_per_customer_inputs_keep_the_index():
    # A DataFrame of schedules (rows = customers), a Series of costs, per-customer acquisition.
    revenue = pd.DataFrame([REVENUE, REVENUE], index=["a", "b"], columns=[1, 2, 3])
    cost = pd.Series([500.0, 500.0], index=["a", "b"])
    v = cvm.cashflow_clv(revenue, 0.15, 5, cost=cost, acquisition_cost=[2500.0, 0.0])
    assert isinstance(v, pd.Series) and v.name == "clv"
    assert list(v.index) == ["a", "b"]
    assert v["a"] == pytest.approx(1280.5955959774055, abs=EXACT)
    assert v["b"] == pytest.approx(3780.5955959774055, abs=EXACT)
    # A 2-D numpy array is the same matrix, indexed 0..n-1.
    w = cvm.cashflow_clv(np.array([REVENUE, REVENUE]), 0.15, 5, cost=500.0,
                         acquisition_cost=np.array([2500.0, 0.0]))
    assert list(w.index) == [0, 1]
    np.testing.assert_allclose(w.to_numpy(), v.to_numpy(), rtol=0, atol=0)
    # Breakdown of the second customer.
    b = cvm.cashflow_breakdown(revenue, 0.15, 5, cost=cost, acquisition_cost=[2500.0, 0.0],
                               customer=1)
    assert b.attrs["clv"] == pytest.approx(3780.5955959774055, abs=EXACT)


CASES = [
    # (label, kwargs, expected) — hand-computed, as in the core's tests
    ("1 period, end", dict(periods=1), 100.0 / 1.1),
    ("1 period, start", dict(periods=1, timing="start"), 100.0),
    ("r .6, 2 periods", dict(periods=2, retention=0.6), 100.0 / 1.1 + 60.0 / 1.21),
    ("r .6, 2 periods, survive", dict(periods=2, retention=0.6, convention="survive"),
     60.0 / 1.1 + 36.0 / 1.21),
    ("r .6, infinite: m/(1+d-r)", dict(periods=None, retention=0.6), 100.0 / 0.5),
    ("r .6, infinite, start", dict(periods=None, retention=0.6, timing="start"), 110.0 / 0.5),
    ("r .6, infinite, survive", dict(periods=None, retention=0.6, convention="survive"), 60.0 / 0.5),
    ("revenue schedule", dict(revenue=[100.0, 50.0], discount_rate=0.0, periods=3), 200.0),
    ("cost schedule", dict(cost=[10.0, 20.0, 30.0], discount_rate=0.0, periods=4), 310.0),
    ("margin schedule", dict(margin=[0.5, 0.4], discount_rate=0.0, periods=3), 130.0),
    ("retention schedule, infinite", dict(retention=[0.9, 0.5], discount_rate=0.0, periods=None),
     280.0),
    ("everything, infinite",
     dict(revenue=[100.0, 50.0], cost=[10.0, 20.0, 30.0], margin=0.8, retention=[0.9, 0.5],
          acquisition_cost=5.0, periods=None),
     70.0 / 1.1 + 20.0 * 0.9 / 1.21 + 10.0 * 0.45 / 1.331
     + 10.0 * 0.45 / 1.331 * 0.5 / (1.1 - 0.5) - 5.0),
    ("negative discount rate", dict(discount_rate=-0.1, periods=2), 100.0 / 0.9 + 100.0 / 0.81),
]


@pytest.mark.parametrize("label,kwargs,want", CASES, ids=[c[0] for c in CASES])
def test_hand_computed_options(label, kwargs, want):
    args = dict(revenue=100.0, discount_rate=0.1)
    args.update(kwargs)
    got = cvm.cashflow_clv(**args)
    assert got == pytest.approx(want, rel=1e-12)
    assert cvm.cashflow_breakdown(**args).attrs["clv"] == pytest.approx(got, rel=1e-12)


def test_infinite_breakdown_with_more_rows():
    args = dict(revenue=[100.0, 200.0], discount_rate=0.25, periods=None, retention=[0.5, 0.8],
                timing="start")
    value = 100.0 + 80.0 + 80.0 * 0.8 / 0.45
    assert cvm.cashflow_clv(**args) == pytest.approx(value, rel=1e-13)
    assert len(cvm.cashflow_breakdown(**args)) == 2
    b = cvm.cashflow_breakdown(**args, min_rows=10)
    assert len(b) == 10 and b.index[-1] == 10
    assert b["survival"].iloc[-1] == pytest.approx(0.5 * 0.8 ** 8, rel=1e-14)
    assert b["cumulative"].iloc[-1] + b.attrs["tail_value"] == pytest.approx(value, rel=1e-13)


def test_closed_form():
    assert cvm.closed_form_clv(100, 0.8, 0.12) == pytest.approx(312.5, rel=1e-15)
    assert cvm.closed_form_clv(100, 0.8, 0.12, convention="survive") == pytest.approx(250.0, rel=1e-15)
    assert cvm.closed_form_clv(100, 0.8, 0.12, timing="start") == pytest.approx(350.0, rel=1e-15)
    assert cvm.closed_form_clv(100, 0.8, 0.1, 2, convention="survive") == pytest.approx(
        80 / 1.1 + 64 / 1.21, rel=1e-13)
    for timing in ("end", "start"):
        for convention in ("present", "survive"):
            for periods in (None, 1, 17):
                closed = cvm.closed_form_clv(35.0, 0.95, 0.02, periods, timing, convention)
                engine = cvm.cashflow_clv(35.0, 0.02, periods, retention=0.95, timing=timing,
                                          convention=convention)
                assert closed == pytest.approx(engine, rel=1e-12)


def _survival_curves():
    """The shipped retention data: rows = cohorts (regular, high end), columns = years 0..12."""
    path = pathlib.Path(__file__).resolve().parents[2] / "data" / "sbg_retention_survival.csv"
    return pd.read_csv(path).iloc[:, 1:].T / 100.0


def test_survival_curve_of_the_retention_data():
    curves = _survival_curves()
    assert curves.shape == (2, 13)
    rates = cvm.retention_from_survival(curves)
    assert rates.shape == (2, 12)
    assert list(rates.index) == list(curves.index)
    assert rates.iloc[0, 0] == pytest.approx(0.631, rel=1e-14)
    assert rates.iloc[1, 0] == pytest.approx(0.869, rel=1e-14)
    regular = rates.iloc[0].to_numpy()
    v = cvm.cashflow_clv(100.0, 0.1, 12, retention=regular)
    assert v == pytest.approx(295.6220487827268, rel=1e-12)
    # Both cohorts at once (a DataFrame of schedules), first period survived: Σ 100 S(t) / 1.1^t.
    both = cvm.cashflow_clv(100.0, 0.1, 12, retention=rates, convention="survive")
    for cohort in curves.index:
        s = curves.loc[cohort].to_numpy()
        want = sum(100.0 * s[t] / 1.1 ** t for t in range(1, 13))
        assert both[cohort] == pytest.approx(want, rel=1e-12)
    # A 1-D curve gives an array; a Series a Series indexed by period.
    assert cvm.retention_from_survival([1.0, 0.8, 0.6]).tolist() == pytest.approx([0.8, 0.75])
    s = cvm.retention_from_survival(pd.Series([1.0, 0.5]))
    assert list(s.index) == [1] and s.iloc[0] == 0.5


BAD_CASHFLOW = [
    # (kwargs, exception, field, index)
    (dict(discount_rate=-1.0), cvm.InvalidValueError, "discount_rate", None),
    (dict(discount_rate=-1.5), cvm.InvalidValueError, "discount_rate", None),
    (dict(retention=[0.5, 1.01]), cvm.InvalidValueError, "retention", 1),
    (dict(retention=pd.Series([0.5, -0.01])), cvm.InvalidValueError, "retention", 1),
    (dict(revenue=pd.Series([1.0, 2.0, np.nan])), cvm.InvalidValueError, "revenue", 2),
    (dict(cost=[np.nan]), cvm.InvalidValueError, "cost", 0),
    (dict(margin=float("nan")), cvm.InvalidValueError, "margin", None),
    (dict(acquisition_cost=float("nan")), cvm.InvalidValueError, "acquisition_cost", None),
    (dict(acquisition_cost=[1.0, np.nan]), cvm.InvalidValueError, "acquisition_cost", 1),
    (dict(periods=None, retention=0.95, discount_rate=-0.05), cvm.InvalidValueError, "retention",
     None),
    (dict(periods=None, retention=[0.2, 0.3, 1.0], discount_rate=0.0), cvm.InvalidValueError,
     "retention", 2),
    (dict(revenue=pd.Series([], dtype=float)), cvm.EmptyInputError, "revenue", None),
    (dict(revenue=[]), cvm.EmptyInputError, "revenue", None),
    (dict(revenue=pd.Series([1.0, 2.0]), retention=pd.Series([0.5])), cvm.LengthMismatchError,
     "retention", None),
    (dict(periods=0), cvm.InvalidValueError, "periods", None),
    (dict(periods=100_001), cvm.InvalidValueError, "periods", None),
    (dict(periods=2.5), cvm.InvalidValueError, "periods", None),
    (dict(timing="middle"), cvm.UnknownNameError, "timing", None),
    (dict(convention="maybe"), cvm.UnknownNameError, "convention", None),
]


@pytest.mark.parametrize("kwargs,exc,field,index", BAD_CASHFLOW)
def test_cashflow_bad_input(kwargs, exc, field, index):
    args = dict(revenue=100.0, discount_rate=0.1, periods=3)
    args.update(kwargs)
    with pytest.raises(exc) as info:
        cvm.cashflow_clv(**args)
    assert isinstance(info.value, ValueError)
    assert (info.value.field, info.value.index) == (field, index)


def test_closed_form_bad_input():
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.closed_form_clv(100, 1.0, 0.0)
    assert info.value.field == "retention"
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.closed_form_clv(100, 0.5, -1.0, 3)
    assert info.value.field == "discount_rate"
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.closed_form_clv(100, 1.2, 0.1)
    assert info.value.field == "retention"


def test_breakdown_customer_out_of_range():
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.cashflow_breakdown(pd.Series([1.0, 2.0]), 0.1, 3, customer=2)
    assert info.value.field == "customer"


def test_survival_bad_input():
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.retention_from_survival([1.0, 0.5, 0.6])
    assert (info.value.field, info.value.index) == ("survival", 2)
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.retention_from_survival([1.0, np.nan])
    assert (info.value.field, info.value.index) == ("survival", 1)
    with pytest.raises(cvm.EmptyInputError):
        cvm.retention_from_survival([])


# ------------------------------------------------------------------ value decomposition


def test_decomposition_with_history_and_referrals():
    history = pd.DataFrame([[100.0, 100.0, 100.0], [0.0, 50.0, 200.0]], index=["x", "y"])
    d = cvm.value_decomposition(history, [400.0, 900.0], rate=0.1, referrals=[2.0, 0.0],
                                conversion=0.25, referral_value=300.0,
                                satisfaction=pd.Series([5, 4], index=["x", "y"]))
    assert list(d.columns) == ["realised", "potential", "influence", "total"]
    assert list(d.index) == ["x", "y"]
    assert d["realised"].tolist() == pytest.approx([331.0, 255.0], abs=1e-9)
    assert d["influence"].tolist() == [150.0, 0.0]
    assert d.loc["x", "total"] == pytest.approx(881.0, abs=1e-9)
    assert d["total"].sum() == pytest.approx(2036.0, abs=1e-9)


def test_decomposition_with_cashflow_potential():
    # Potential from the cash-flow model: per-customer margin, retention 0.75, 10 %, forever.
    realised = pd.Series([120.0, 0.0, 45.5], index=[7, 8, 9])
    potential = cvm.cashflow_clv(pd.Series([50.0, 10.0, 0.0], index=[7, 8, 9]), 0.1, None,
                                 retention=0.75)
    d = cvm.value_decomposition(realised, potential, referrals=pd.Series([3.0, 1.0, 0.0], index=[7, 8, 9]),
                                conversion=0.2, referral_value=40.0, plain_referrals=True)
    want_p = np.array([50.0 / 0.35, 10.0 / 0.35, 0.0])
    np.testing.assert_allclose(d["potential"], want_p, rtol=1e-13)
    np.testing.assert_allclose(d["influence"], [24.0, 8.0, 0.0], rtol=1e-15)
    np.testing.assert_allclose(d["total"], realised.to_numpy() + want_p + [24.0, 8.0, 0.0],
                               rtol=1e-13)
    assert list(d.index) == [7, 8, 9]
    g = cvm.value_decomposition([[100.0, 200.0]], [1000.0], [-5.0], rate=0.05)
    assert g["realised"].iloc[0] == pytest.approx(305.0, rel=1e-14)
    assert g["total"].iloc[0] == pytest.approx(1300.0, rel=1e-14)


def test_decomposition_bad_input():
    with pytest.raises(cvm.LengthMismatchError) as info:
        cvm.value_decomposition([1.0, 2.0], [1.0, 2.0, 3.0])
    assert (info.value.field, info.value.expected, info.value.got) == ("potential", 2, 3)
    with pytest.raises(cvm.LengthMismatchError) as info:
        cvm.value_decomposition([1.0, 2.0], influence=[1.0])
    assert info.value.field == "influence"
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.value_decomposition(potential=[1.0, np.nan])
    assert (info.value.field, info.value.index) == ("potential", 1)
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.value_decomposition([[1.0, 2.0]], rate=-1.0)
    assert info.value.field == "rate"
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.value_decomposition(referrals=[1.0], conversion=[1.5], referral_value=10.0, plain_referrals=True)
    assert (info.value.field, info.value.index) == ("conversion", 0)
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.value_decomposition(referrals=[1.0])
    assert info.value.field == "conversion"
    with pytest.raises(cvm.EmptyInputError):
        cvm.value_decomposition([])


def test_influence_only_from_highly_satisfied_customers():
    # 85 customers with satisfaction <= 2 of 5 and 15 with 4 or 5; each refers 3, 40 % convert,
    # a referred customer is worth 250: only the 15 highly satisfied bring influence value.
    rng = np.random.default_rng(13)
    sat = pd.Series(np.concatenate([rng.integers(1, 3, 85), rng.integers(4, 6, 15)]).astype(float),
                    index=[f"k{i}" for i in range(100)])
    d = cvm.value_decomposition(referrals=3.0 + 0 * sat, conversion=0.4, referral_value=250.0,
                                satisfaction=sat)
    assert list(d.index) == list(sat.index)
    assert (d.loc[sat <= 2, "influence"] == 0.0).all()
    assert d.loc[sat >= 4, "influence"].tolist() == [3.0 * 0.4 * 250.0] * 15
    plain = cvm.value_decomposition(referrals=3.0 + 0 * sat, conversion=0.4, referral_value=250.0,
                                    plain_referrals=True)
    assert plain["influence"].sum() == pytest.approx(100 * 300.0, rel=1e-14)
    # Threshold 5, and a 0-10 scale with threshold 9.
    top = cvm.value_decomposition(referrals=[1, 1, 1], conversion=1.0, referral_value=10.0,
                                  satisfaction=[4, 5, 5], satisfaction_threshold=5)
    assert top["influence"].tolist() == [0.0, 10.0, 10.0]
    nps = cvm.value_decomposition(referrals=[1, 1, 1], conversion=1.0, referral_value=10.0,
                                  satisfaction=[10, 8, 9], satisfaction_scale=(0, 10),
                                  satisfaction_threshold=9)
    assert nps["influence"].tolist() == [10.0, 0.0, 10.0]


def test_missing_satisfaction_is_never_satisfied():
    kw = dict(referrals=[1, 1, 1], conversion=1.0, referral_value=10.0)
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.value_decomposition(**kw, satisfaction=[5, None, 4])
    assert (info.value.field, info.value.index) == ("satisfaction", 1)
    assert "no_influence" in str(info.value)
    d = cvm.value_decomposition(**kw, satisfaction=pd.Series([5, np.nan, 4]), missing_satisfaction="no_influence")
    assert d["influence"].tolist() == [10.0, 0.0, 10.0]
    with pytest.raises(cvm.UnknownNameError) as info:
        cvm.value_decomposition(**kw, satisfaction=[5, 5, 4], missing_satisfaction="satisfied")
    assert info.value.field == "satisfaction_missing"


@pytest.mark.parametrize("kwargs, field, index", [
    (dict(satisfaction=[5, 6, 4]), "satisfaction", 1),
    (dict(satisfaction=[5, 5, 4], satisfaction_threshold=5.5), "satisfaction_threshold", None),
    (dict(satisfaction=[5, 5, 4], satisfaction_scale=(5, 1)), "satisfaction_scale", None),
    (dict(satisfaction=[5, 5, 4], satisfaction_scale=(1, 2, 3)), "satisfaction_scale", None),
    (dict(satisfaction=[5, "high", 4]), "satisfaction", 1),
    (dict(), "satisfaction", None),
    (dict(satisfaction=[5, 5, 4], plain_referrals=True), "plain_referrals", None),
])
def test_satisfaction_bad_input(kwargs, field, index):
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.value_decomposition(referrals=[1, 1, 1], conversion=1.0, referral_value=10.0, **kwargs)
    assert (info.value.field, info.value.index) == (field, index)


def test_satisfaction_without_referrals_is_an_error():
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.value_decomposition([1.0, 2.0], satisfaction=[5, 5])
    assert info.value.field == "satisfaction"
    with pytest.raises(cvm.LengthMismatchError) as info:
        cvm.value_decomposition([1.0, 2.0], referrals=1.0, conversion=1.0, referral_value=1.0,
                                satisfaction=[5, 5, 5])
    assert info.value.field == "satisfaction"


# ------------------------------------------------------------------ value matrix


def test_quadrants_of_the_method():
    ids = [f"c{i}" for i in range(8)]
    current = pd.Series([5.0, 80.0, 60.0, 10.0, 95.0, 20.0, 70.0, 1.0], index=ids)
    potential = [900.0, 100.0, 800.0, 50.0, 20.0, 700.0, 300.0, 10.0]
    m = cvm.value_matrix(current, potential)
    assert m.current_thresholds == [40.0] and m.potential_thresholds == [200.0]
    assert m.shape == (2, 2)
    c = m.customers
    assert list(c.index) == ids
    assert list(c.columns) == ["current_level", "potential_level", "cell", "label", "strategy"]
    # The method's strategies (seeds/001:49): cultivate both high-potential cells.
    cultivate, maintain, careful = ("cultivate this group", "maintain this group",
                                    "think carefully before investing resources")
    assert c["strategy"].tolist() == [
        cultivate, maintain, cultivate, careful, maintain, cultivate, cultivate, careful,
    ]
    assert m.warnings.empty and m.current_ties_low == [False]
    detailed = cvm.value_matrix(current, potential, strategies="detailed")
    assert detailed.customers["strategy"].tolist()[:4] == [
        "develop", "maintain", "keep and invest", "be careful before spending resources"]
    assert c.loc["c2", "label"] == "high_current_high_potential"
    assert c["cell"].tolist() == [1, 2, 3, 0, 2, 1, 3, 0]
    cells = m.cells
    assert cells["count"].tolist() == [2, 2, 2, 2]
    assert cells["current_sum"].tolist() == [11.0, 25.0, 175.0, 130.0]
    assert cells["potential_sum"].tolist() == [60.0, 1600.0, 120.0, 1100.0]
    assert cells["strategy"].tolist()[3] == cultivate
    assert m.counts().to_numpy().tolist() == [[2, 2], [2, 2]]
    assert cultivate in m._repr_html_()


def test_tied_median_splits_zero_from_positive_and_warns():
    current = [0.0] * 6 + [40.0, 90.0]
    potential = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]
    with pytest.warns(cvm.DegenerateSplitWarning, match=r"cell 2 \(high_current_low_potential\) is empty"):
        m = cvm.value_matrix(current, potential)
    assert m.current_thresholds == [0.0] and m.current_ties_low == [True]
    assert m.cells["count"].tolist() == [4, 2, 0, 2]
    assert m.warnings[["kind", "cell", "count"]].values.tolist() == [["empty_cell", 2, 0]]
    assert "the current cut 0 (quantile 0.5; customers equal to it go low)" in m.warnings["message"][0]
    assert issubclass(cvm.DegenerateSplitWarning, cvm.CvmWarning)
    assert issubclass(cvm.CvmWarning, UserWarning)


def test_cdnow_matrix_of_holdout_spend(cdnow_log):
    # Current value: holdout spend, 0 for 1,673 of the 2,357 customers (the median is 0);
    # potential: the walkthrough's profit (30 % margin, $2 an order). The old rule put everyone
    # in "high current".
    orders = cdnow_log.groupby("customer_id")["amount"].agg(spend="sum", orders="size")
    potential = 0.3 * orders["spend"] - 2.0 * orders["orders"]
    holdout = cdnow_log[cdnow_log["date"] > "1997-09-30"]
    current = holdout.groupby("customer_id")["amount"].sum().reindex(orders.index, fill_value=0.0)
    assert int((current == 0).sum()) == 1673
    m = cvm.value_matrix(current, potential)
    assert m.current_ties_low == [True]
    assert m.cells["count"].tolist() == [1084, 589, 94, 590]
    assert m.warnings.empty
    with pytest.warns(cvm.DegenerateSplitWarning, match="quantile 0.2; customers equal to it go high"):
        m2 = cvm.value_matrix(current, potential, [0.2])
    assert m2.cells["count"].tolist() == [0, 0, 1178, 1179] and len(m2.warnings) == 2


def test_configurable_labels_and_thresholds():
    current = [1.0, 2.0, 3.0, 4.0, 5.0]
    potential = [10.0, 0.0, 10.0, 0.0, 10.0]
    # Quantile cuts on current, value cuts on potential: two calls' worth of options.
    m = cvm.value_matrix(current, potential, [0.25, 0.75], grid=None,
                         labels=[f"cell{i}" for i in range(6)],
                         strategies=[f"plan{i}" for i in range(6)],
                         potential_thresholds=[0.5])
    assert m.shape == (3, 2)
    assert m.current_thresholds == [2.0, 4.0]
    assert m.customers["current_level"].tolist() == [0, 1, 1, 2, 2]
    assert m.customers["cell"].tolist() == [1, 2, 3, 4, 5]
    assert m.customers["label"].iloc[4] == "cell5"
    assert m.customers["strategy"].iloc[0] == "plan1"
    assert m.cells["count"].tolist() == [0, 1, 1, 1, 1, 1]
    a = cvm.value_matrix(current, potential, [2.5], [5.0], quantiles=False)
    assert a.current_thresholds == [2.5] and a.potential_thresholds == [5.0]
    assert a.customers["cell"].tolist() == [1, 0, 3, 2, 3]
    g = cvm.value_matrix(current, potential, grid=3)
    assert g.shape == (3, 3)
    assert g.customers["label"].iloc[0] == "current_1_potential_3"


def test_matrix_bad_input():
    x = [1.0, 2.0, 3.0]
    for q in ([1.2], [-0.5]):
        with pytest.raises(cvm.InvalidValueError) as info:
            cvm.value_matrix(x, x, potential_thresholds=q)
        assert (info.value.field, info.value.index) == ("potential_thresholds", 0)
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.value_matrix(x, x, [0.6, 0.4])
    assert (info.value.field, info.value.index) == ("current_thresholds", 1)
    with pytest.raises(cvm.LengthMismatchError) as info:
        cvm.value_matrix(x, [1.0, 2.0])
    assert info.value.field == "potential"
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.value_matrix([1.0, np.nan, 2.0], x)
    assert (info.value.field, info.value.index) == ("current", 1)
    with pytest.raises(cvm.EmptyInputError) as info:
        cvm.value_matrix([], [])
    assert info.value.field == "current"
    with pytest.raises(cvm.LengthMismatchError) as info:
        cvm.value_matrix(x, x, labels=["a", "b"])
    assert info.value.field == "labels"
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.value_matrix(x, x, grid=1)
    assert info.value.field == "grid"


# ------------------------------------------------------------------ whale curve


def test_whale_curve_80_20_30():
    profit = pd.Series([500.0, -30.0, 40.0, 300.0, -80.0, 10.0, 20.0, -60.0, 0.0, 50.0],
                       index=list("abcdefghij"))
    w = cvm.whale_curve(profit)
    assert (w.total, w.peak, w.peak_rank) == (750.0, 920.0, 6)
    assert w.peak_share == pytest.approx(920.0 / 750.0, rel=1e-15)
    assert w.top_profit == 800.0
    assert w.top_share == pytest.approx(800.0 / 750.0, rel=1e-15)
    assert w.bottom_consumed == 170.0
    assert w.bottom_consumed_share == pytest.approx(170.0 / 920.0, rel=1e-15)
    assert w.tail_consumed == 170.0
    assert (w.unprofitable_count, w.unprofitable_share) == (3, 0.3)
    assert w.gini == pytest.approx(8270.0 / 7500.0, rel=1e-15)
    assert w.curve.tolist() == [500, 800, 850, 890, 910, 920, 920, 890, 830, 750]
    t = w.table
    assert list(t.index) == list("abcdefghij")
    assert list(t.columns) == ["profit", "rank", "cumulative_profit", "cumulative_share",
                               "customer_share"]
    assert t["rank"].tolist() == [1, 8, 4, 2, 10, 6, 5, 9, 7, 3]
    assert t.loc["e", "cumulative_profit"] == 750.0
    assert t.loc["a", "cumulative_profit"] == 500.0
    assert t.loc["d", "cumulative_share"] == pytest.approx(800.0 / 750.0, rel=1e-15)
    assert t.loc["e", "customer_share"] == 1.0 and t.loc["a", "customer_share"] == 0.1
    assert w.summary()["total"] == 750.0
    assert "gini" in repr(w) and "total" in w._repr_html_()


def test_whale_curve_80_20_30_readings():
    profit = pd.Series([500.0, -30.0, 40.0, 300.0, -80.0, 10.0, 20.0, -60.0, 0.0, 50.0],
                       index=list("abcdefghij"))
    w = cvm.whale_curve(profit)
    assert (w.bottom_profit, w.bottom_count, w.bottom_unprofitable_count) == (-170.0, 3, 3)
    assert w.potential_profit == 920.0
    assert w.bottom_share_of_top == pytest.approx(170.0 / 800.0, rel=1e-15)
    assert w.bottom_share_of_potential == pytest.approx(170.0 / 920.0, rel=1e-15)
    assert not w.bottom_net_profitable
    assert w.unprofitable.tolist() == ["b", "e", "h"]
    assert w.interpretation.startswith("the bottom 30 % (3 customers) consume 170 of profit")


def test_whale_curve_of_cdnow_profit_bottom_is_net_profitable(cdnow_log):
    # The walkthrough's economics: 30 % margin on spend, $2 per order, to 1998-06-30.
    orders = cdnow_log.groupby("customer_id")["amount"].agg(spend="sum", orders="size")
    profit = 0.3 * orders["spend"] - 2.0 * orders["orders"]
    w = cvm.whale_curve(profit)
    assert w.bottom_consumed == pytest.approx(-1595.0444, abs=1e-6)
    assert w.bottom_net_profitable
    assert (w.bottom_count, w.bottom_unprofitable_count, w.unprofitable_count) == (707, 31, 31)
    assert w.bottom_share_of_top == pytest.approx(-1595.0444 / 42021.3724, rel=1e-9)
    assert w.bottom_share_of_potential == pytest.approx(-1595.0444 / 57794.5376, rel=1e-9)
    assert (profit.loc[w.unprofitable] < 0).all() and len(w.unprofitable) == 31
    assert w.interpretation == (
        "the bottom 30 % (707 customers) are net profitable: they add 1,595.04 to profit and "
        "consume none of it (the 80/20/30 pattern does not hold); 31 of them lose money")


def test_whale_curve_other_fractions_and_losses():
    w = cvm.whale_curve([-5, 100, 0, -40, 20, 60, -10, 30, -25, 10], top=0.5, bottom=0.1)
    assert w.top_profit == 220.0  # five most profitable
    assert w.bottom_consumed == 40.0  # the single worst customer
    losses = cvm.whale_curve(np.array([-1.0, -2.0]))
    assert losses.gini is None and losses.top_share is None and losses.peak_share is None
    assert "cumulative_share" not in losses.table.columns
    assert losses.peak == 0.0 and losses.unprofitable_count == 2


def test_whale_curve_of_cdnow_spend(cdnow_log):
    spend = cdnow_log.groupby("customer_id")["amount"].sum()
    w = cvm.whale_curve(spend)
    assert w.total == pytest.approx(spend.sum(), rel=1e-12)
    assert w.peak == w.total and w.unprofitable_count == 0
    x = np.sort(spend.to_numpy())
    n = len(x)
    gini = np.sum((2 * np.arange(1, n + 1) - n - 1) * x) / (n * x.sum())
    assert w.gini == pytest.approx(gini, rel=1e-10)
    assert 0.2 < w.top_share < 1.0
    assert list(w.table.index) == list(spend.index)


def test_whale_curve_bad_input():
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.whale_curve([1.0, 2.0, np.nan])
    assert (info.value.field, info.value.index) == ("profit", 2)
    with pytest.raises(cvm.EmptyInputError) as info:
        cvm.whale_curve([])
    assert info.value.field == "profit"
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.whale_curve([1.0], top=1.2)
    assert info.value.field == "top"
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.whale_curve([1.0], bottom=math.nan)
    assert info.value.field == "bottom"
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.whale_curve([1.0], bottom=-0.1)
    assert info.value.field == "bottom"


# ------------------------------------------------------------------ value over time


def test_matrix_migration_between_snapshots():
    cut = dict(current_thresholds=[100.0], potential_thresholds=[100.0], quantiles=False)
    before = cvm.value_matrix(pd.Series([50.0, 150.0, 150.0, 20.0, 300.0], index=list("abcde")),
                              [50.0, 150.0, 50.0, 500.0, 500.0], **cut)
    after = cvm.value_matrix(pd.Series([150.0, 50.0, 50.0, 400.0], index=list("dacf")),
                             [150.0, 150.0, 50.0, 10.0], **cut)
    m = cvm.matrix_migration(before, after, policy="outer_join")
    assert list(m.counts.index)[-1] == "new" and list(m.counts.columns)[-1] == "gone"
    assert m.count("low_current_high_potential", "high_current_high_potential") == 1  # d
    assert m.count("low_current_low_potential", "low_current_high_potential") == 1  # a
    assert m.count("high_current_low_potential", "low_current_low_potential") == 1  # c
    assert m.count("high_current_high_potential", "gone") == 2  # b, e
    assert m.count("new", "high_current_low_potential") == 1  # f
    assert int(m.counts.to_numpy().sum()) == 6
    assert m.rates.loc["high_current_high_potential", "gone"] == 1.0
    assert m.moves.loc["f"].tolist() == ["new", "high_current_low_potential"]
    assert list(m.moves.index) == list("abcdef")
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.matrix_migration(before, after)
    assert (info.value.field, info.value.index) == ("ids_before", 1)
    with pytest.warns(cvm.DegenerateSplitWarning):
        grid = cvm.value_matrix([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], grid=3)
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.matrix_migration(before, grid)
    assert info.value.field == "after"
    with pytest.raises(cvm.UnknownNameError):
        cvm.matrix_migration(before, before, policy="inner")


def test_value_path_over_periods():
    cur = pd.DataFrame([[50, 150, 150], [200, 200, 20], [10, 10, 10]], index=list("abc"),
                       columns=[2023, 2024, 2025])
    pot = pd.DataFrame([[150, 150, 50], [300, 50, 50], [10, 10, 10]], index=list("abc"),
                       columns=[2023, 2024, 2025])
    with pytest.warns(cvm.DegenerateSplitWarning, match="cell 1"):
        p = cvm.value_path(cur, pot, [100.0], [100.0], quantiles=False)
    assert p.values.tolist() == [[1, 3, 2], [3, 2, 0], [0, 0, 0]]
    assert list(p.index) == list("abc") and list(p.columns) == [2023, 2024, 2025]
    assert p.attrs["warnings"][1][0].startswith("degenerate value matrix: cell 1")
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.value_path(cur, pot.iloc[:, :2])
    assert info.value.field == "potential"
    bad = cur.astype(float)
    bad.iloc[1, 2] = np.nan
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.value_path(bad, pot, [100.0], [100.0], quantiles=False)
    assert (info.value.field, info.value.index) == ("current", 5)
