"""cvm.plotting, model checks and distributions: the data drawn equal the numbers cvm computes
(on CDNOW), and bad inputs are clear errors. Headless (Agg)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from plotting_support import bg, close_figures, heights, plt  # noqa: F401 (fixtures)

import cvm  # noqa: E402
import cvm.plotting as cp  # noqa: E402

TOL = 1e-12


@pytest.fixture(scope="module")
def gg(cdnow_split):
    return cvm.GammaGamma().fit(cdnow_split["frequency"], cdnow_split["monetary_value"])


def test_period_transactions_bars_are_the_repeat_histogram(bg, cdnow_split):
    table, _, _ = bg.repeat_histogram(cdnow_split, 7)
    ax = cp.plot_period_transactions(bg, cdnow_split)
    np.testing.assert_allclose(heights(ax.containers[0]), table["actual"], rtol=0, atol=TOL)
    np.testing.assert_allclose(heights(ax.containers[1]), table["expected"], rtol=0, atol=TOL)
    assert heights(ax.containers[0]).sum() == len(cdnow_split)
    # CDNOW: 1,411 of the 2,357 customers made no repeat purchase in calibration
    assert heights(ax.containers[0])[0] == (cdnow_split["frequency"] == 0).sum() == 1411
    assert [t.get_text() for t in ax.get_xticklabels()][-1] == "7+"
    assert ax.get_ylabel() == "customers"


def test_pmf_lines_are_shares(bg, cdnow_split):
    table, _, _ = bg.repeat_histogram(cdnow_split, 5)
    ax = cp.plot_pmf(bg, cdnow_split, max_count=5)
    n = len(cdnow_split)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), table["actual"] / n, atol=TOL)
    np.testing.assert_allclose(ax.lines[1].get_ydata(), table["expected"] / n, atol=TOL)
    assert ax.lines[0].get_ydata().sum() == pytest.approx(1.0, abs=1e-12)
    # the model's mass over 0..5+ covers everyone too
    assert ax.lines[1].get_ydata().sum() == pytest.approx(1.0, abs=1e-6)


def test_calibration_vs_holdout_lines_are_the_table(bg, cdnow_split):
    table = bg.calibration_holdout_table(cdnow_split, 7)
    ax = cp.plot_calibration_purchases_vs_holdout_purchases(bg, cdnow_split)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), table["actual"], atol=TOL)
    np.testing.assert_allclose(ax.lines[1].get_ydata(), table["predicted"], atol=TOL)
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), table.index.to_numpy())
    # actual: mean holdout purchases of the customers with 0 calibration repeats
    zero = cdnow_split["frequency"] == 0
    assert ax.lines[0].get_ydata()[0] == pytest.approx(cdnow_split.loc[zero, "frequency_holdout"].mean(), abs=1e-12)
    assert "39 weeks" in ax.get_ylabel()


def test_frequency_recency_matrix_cells_are_expected_purchases(bg, cdnow_split):
    ax = cp.plot_frequency_recency_matrix(bg, t=4, summary=cdnow_split)
    z = ax.images[0].get_array()
    max_f = int(cdnow_split["frequency"].max())
    age = float(cdnow_split["T"].max())
    assert z.shape == (max_f + 1, math.floor(age) + 1)
    for f, r in [(1, 1), (5, 30), (max_f, math.floor(age)), (2, 10)]:
        want = bg.expected_purchases(4, [f], [r], [age])[0]
        assert z[f, r] == pytest.approx(want, rel=1e-12)
    # histories a summary cannot hold are blank, not computed
    assert z.mask[0, 5] and z.mask[3, 0] and not z.mask[0, 0]
    assert z[0, 0] == pytest.approx(bg.expected_purchases(4, [0], [0], [age])[0], rel=1e-12)
    # more purchases, more recently: more expected purchases
    assert z[10, 38] > z[10, 20] > z[10, 5]


def test_probability_alive_matrix_with_explicit_limits(bg):
    ax = cp.plot_probability_alive_matrix(bg, max_frequency=6, max_recency=20)
    z = ax.images[0].get_array()
    assert z.shape == (7, 21)
    assert z[6, 20] == pytest.approx(bg.probability_alive([6], [20], [20])[0], rel=1e-12)
    # a purchase at T: BG/NBD P(alive) = 1 / (1 + a / (b + x - 1)) (Fader, Hardie & Lee 2005, eq. 11)
    a, b = bg.params_["a"], bg.params_["b"]
    assert z[6, 20] == pytest.approx(1 / (1 + a / (b + 5)), rel=1e-12)
    assert z[6, 2] < 0.1
    assert "weeks" in ax.get_xlabel()


def test_expected_repeat_purchases_curve(bg, cdnow_split):
    ax = cp.plot_expected_repeat_purchases(bg, summary=cdnow_split, points=50)
    x, y = ax.lines[0].get_xdata(), ax.lines[0].get_ydata()
    assert len(x) == 50 and x[0] == 0 and x[-1] == pytest.approx(cdnow_split["T"].max())
    np.testing.assert_allclose(y, bg.expected_purchases_new_customer(x), rtol=1e-14)
    assert y[0] == 0 and np.all(np.diff(y) > 0)


def test_transaction_rate_heterogeneity_is_the_gamma_density(bg):
    ax = cp.plot_transaction_rate_heterogeneity(bg)
    r, alpha = bg.params_["r"], bg.params_["alpha"]
    x, y = ax.lines[0].get_xdata(), ax.lines[0].get_ydata()
    for i in (0, 57, 199):
        want = alpha**r * x[i] ** (r - 1) * math.exp(-alpha * x[i]) / math.gamma(r)
        assert y[i] == pytest.approx(want, rel=1e-10)
    assert x[-1] == pytest.approx(r / alpha + 4 * math.sqrt(r) / alpha)
    assert f"mean {r / alpha:.4g}" in ax.get_title()


def test_dropout_heterogeneity_beta_and_gamma(bg, cdnow_split):
    ax = cp.plot_dropout_rate_heterogeneity(bg)
    a, b = bg.params_["a"], bg.params_["b"]
    x, y = ax.lines[0].get_xdata(), ax.lines[0].get_ydata()
    assert 0 < x[0] and x[-1] < 1
    i = 100
    want = x[i] ** (a - 1) * (1 - x[i]) ** (b - 1) * math.gamma(a + b) / (math.gamma(a) * math.gamma(b))
    assert y[i] == pytest.approx(want, rel=1e-10)
    pnbd = cvm.ParetoNBD().fit(cdnow_split)
    ax = cp.plot_dropout_rate_heterogeneity(pnbd)
    s, beta = pnbd.params_["s"], pnbd.params_["beta"]
    x, y = ax.lines[0].get_xdata(), ax.lines[0].get_ydata()
    assert y[10] == pytest.approx(beta**s * x[10] ** (s - 1) * math.exp(-beta * x[10]) / math.gamma(s), rel=1e-10)
    assert "dropout rate" in ax.get_xlabel()


def test_spend_distribution_histogram_and_model_density(gg, cdnow_split):
    ax = cp.plot_spend_distribution(gg, cdnow_split, bins=20)
    repeat = cdnow_split[cdnow_split["frequency"] > 0]
    z = repeat["monetary_value"].to_numpy()
    top = np.quantile(z, 0.99)
    counts, edges = np.histogram(z, bins=np.linspace(0, top, 21))
    width = edges[1] - edges[0]
    np.testing.assert_allclose([p.get_height() for p in ax.patches], counts / (len(z) * width), rtol=1e-12)
    grid, dens = ax.lines[0].get_xdata(), ax.lines[0].get_ydata()
    j = 37
    per_customer = np.exp(gg.log_likelihood_individual(repeat["frequency"], np.full(len(repeat), grid[j])))
    assert dens[j] == pytest.approx(per_customer.mean(), rel=1e-10)
    # the model's density of the mean spend puts most of its mass on the axis
    mass = np.sum((dens[1:] + dens[:-1]) / 2 * np.diff(grid))
    assert 0.9 < mass <= 1.0


def test_spend_density_of_one_purchase_integrates_to_one(gg):
    grid = np.linspace(1e-6, 5000.0, 400_001)
    dens = cp.distributions.spend_density(gg, np.array([1.0]), grid)
    assert np.sum((dens[1:] + dens[:-1]) / 2 * np.diff(grid)) == pytest.approx(1.0, abs=2e-3)


def test_customer_exposure_segments(cdnow_split):
    ax = cp.plot_customer_exposure(cdnow_split, n=20)
    head = cdnow_split.head(20)
    first = ax.collections[0].get_segments()
    np.testing.assert_allclose([s[1][0] for s in first], head["recency"], atol=TOL)
    later = ax.collections[1].get_segments()
    np.testing.assert_allclose([s[1][0] for s in later], head["T"], atol=TOL)
    np.testing.assert_allclose(ax.collections[2].get_offsets()[:, 0], head["recency"], atol=TOL)
    assert ax.get_xlabel() == "time since the first purchase (weeks)"


def test_axes_are_reused_and_returned(bg, cdnow_split):
    fig, (left, right) = plt.subplots(1, 2)
    assert cp.plot_period_transactions(bg, cdnow_split, ax=left) is left
    assert cp.plot_pmf(bg, cdnow_split, ax=right) is right
    assert len(fig.axes) == 2


def test_wrong_model_and_missing_columns(bg, gg, cdnow_split):
    with pytest.raises(cvm.InvalidTypeError) as e:
        cp.plot_period_transactions(gg, cdnow_split)
    assert e.value.field == "model" and "BetaGeo, ModifiedBetaGeo, ParetoNBD" in str(e.value)
    with pytest.raises(cvm.InvalidValueError, match="not fitted"):
        cp.plot_probability_alive_matrix(cvm.BetaGeo(), summary=cdnow_split)
    with pytest.raises(cvm.MissingColumnError) as e:
        cp.plot_spend_distribution(gg, cdnow_split.drop(columns="monetary_value"))
    assert e.value.field == "monetary_value"
    with pytest.raises(cvm.InvalidValueError) as e:
        cp.plot_frequency_recency_matrix(bg)
    assert e.value.field == "summary"
    with pytest.raises(cvm.InvalidValueError) as e:
        cp.plot_period_transactions(bg, cdnow_split, max_frequency=0)
    assert e.value.field == "max_frequency"


def test_polars_summary_is_accepted(bg, cdnow_split):
    pl = pytest.importorskip("polars")
    frame = pl.from_pandas(cdnow_split.reset_index(drop=True))
    want = cp.plot_frequency_recency_matrix(bg, summary=cdnow_split).images[0].get_array()
    got = cp.plot_frequency_recency_matrix(bg, summary=frame).images[0].get_array()
    np.testing.assert_array_equal(got.filled(-1), want.filled(-1))
    bars = cp.plot_period_transactions(bg, frame).containers[0]
    assert heights(bars)[0] == 1411
