"""cvm.compat.lifetimes.plotting: lifetimes' ten plots drawn by cvm.plotting from the numbers of
the compat layer (headless, Agg; skipped where matplotlib is not installed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from plotting_support import close_figures, heights, plt  # noqa: F401 (fixtures)

import cvm  # noqa: E402
import cvm.compat.lifetimes as lifetimes  # noqa: E402
from cvm.compat.lifetimes import plotting, utils  # noqa: E402
from cvm.compat.lifetimes.datasets import load_transaction_data  # noqa: E402

from compat_support import bgf, cdnow  # noqa: F401,E402 (fixtures)


@pytest.fixture(scope="module")
def log():
    return load_transaction_data()


@pytest.fixture(scope="module")
def daily(log):
    s = utils.summary_data_from_transaction_data(log, "id", "date", observation_period_end="2014-12-31")
    return lifetimes.BetaGeoFitter().fit(s["frequency"], s["recency"], s["T"])


def test_period_transactions(bgf, cdnow):
    ax = plotting.plot_period_transactions(bgf)
    actual = heights(ax.containers[0])
    assert actual[:3].tolist() == [1411, 439, 214] and actual.sum() == len(cdnow)
    table, _, _ = bgf.cvm_model.repeat_histogram(cdnow, 7)
    np.testing.assert_allclose(heights(ax.containers[1]), table["expected"], rtol=1e-12)
    assert ax.get_title() == "Frequency of Repeat Transactions" and ax.get_ylabel() == "Customers"


def test_weighted_data_count_every_customer():
    d = pd.DataFrame({"frequency": [0, 1, 2, 0], "recency": [0.0, 2.0, 5.0, 0.0], "T": [6.0, 6.0, 6.0, 4.0]})
    m = lifetimes.BetaGeoFitter().fit(d["frequency"], d["recency"], d["T"], weights=[300, 50, 20, 100])
    assert heights(plotting.plot_period_transactions(m).containers[0]).sum() == 470


def test_matrices_are_the_fitter_s(bgf):
    ax = plotting.plot_probability_alive_matrix(bgf, max_frequency=5, max_recency=10)
    grid = np.ma.filled(ax.images[0].get_array().astype(float), np.nan)
    want = bgf.conditional_probability_alive_matrix(5, 10).T  # cvm draws frequency × recency
    np.testing.assert_allclose(grid, want, rtol=1e-12)
    ax = plotting.plot_frequency_recency_matrix(bgf, T=4, max_frequency=3, max_recency=6, title="t")
    assert ax.get_title() == "t" and ax.images[0].get_array().shape == (4, 7)


def test_expected_repeat_purchases_and_heterogeneity(bgf, cdnow):
    ax = plotting.plot_expected_repeat_purchases(bgf, label="BG/NBD")
    x, y = ax.lines[0].get_xdata(), ax.lines[0].get_ydata()
    assert x[-1] == pytest.approx(cdnow["T"].max())
    np.testing.assert_allclose(y, bgf.expected_number_of_purchases_up_to_time(x), rtol=1e-12)
    assert ax.lines[0].get_label() == "BG/NBD"
    ax = plotting.plot_transaction_rate_heterogeneity(bgf)
    assert ax.figure._suptitle.get_text() == "Heterogeneity in Transaction Rate"
    ax = plotting.plot_dropout_rate_heterogeneity(bgf)
    assert ax.get_xlabel() == "Dropout Probability p"


def test_tracking_plots_draw_the_utils_table(daily, log):
    table = utils.expected_cumulative_transactions(daily, log, "date", "id", 300)
    ax = plotting.plot_cumulative_transactions(daily, log, "date", "id", 300, 200)
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), table["actual"])
    np.testing.assert_allclose(ax.lines[1].get_ydata(), table["predicted"], rtol=1e-12)
    assert ax.get_xlabel() == "day" and ax.lines[2].get_xdata()[0] == 200
    ax = plotting.plot_incremental_transactions(daily, log, "date", "id", 300, 200)
    np.testing.assert_allclose(np.cumsum(ax.lines[1].get_ydata()), table["predicted"], rtol=1e-9)


def test_history_alive_is_the_alive_path(daily, log):
    mine = log[log["id"] == 35]
    ax = plotting.plot_history_alive(daily, 200, mine, "date")
    np.testing.assert_allclose(ax.lines[0].get_ydata(), utils.calculate_alive_path(daily, mine, "date", 200),
                               rtol=1e-9)


def test_calibration_vs_holdout(log):
    cal = utils.calibration_and_holdout_data(log, "id", "date", calibration_period_end="2014-09-01",
                                             observation_period_end="2014-12-31")
    m = lifetimes.BetaGeoFitter().fit(cal["frequency_cal"], cal["recency_cal"], cal["T_cal"])
    ax = plotting.plot_calibration_purchases_vs_holdout_purchases(m, cal, n=5)
    low = cal[cal["frequency_cal"] == 0]["frequency_holdout"].mean()
    assert ax.lines[0].get_ydata()[0] == pytest.approx(low, rel=1e-12)
    with pytest.raises(cvm.InvalidValueError) as err:
        plotting.plot_calibration_purchases_vs_holdout_purchases(m, cal, kind="recency_cal")
    assert err.value.field == "kind"


def test_helpers():
    assert plotting.coalesce(None, 2, 3) == 2 and plotting.coalesce(None) is None
    fig, ax = plt.subplots()
    ax.imshow(np.zeros((2, 4)))
    plotting.forceAspect(ax, aspect=1)
    assert ax.get_aspect() == pytest.approx(2.0)
    with pytest.raises(cvm.InvalidValueError):
        plotting.plot_period_transactions(object())
