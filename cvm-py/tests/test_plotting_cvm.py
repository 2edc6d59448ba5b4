"""cvm.plotting, cvm's own pictures (value matrix, whale curve, cash-flow CLV, loyalty ladder,
migration, churn calibration and gains, relationship trends, selection decisions): the data drawn
equal cvm's results. Headless (Agg)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from plotting_support import bg, close_figures, heights, plt  # noqa: F401 (fixtures)

import cvm  # noqa: E402
import cvm.plotting as cp  # noqa: E402


def test_value_matrix_points_by_cell(cdnow_split, bg):
    current = cdnow_split["monetary_value"] * (cdnow_split["frequency"] + 1) + cdnow_split["T"]
    potential = bg.expected_purchases(39, cdnow_split["frequency"], cdnow_split["recency"], cdnow_split["T"])
    m = cvm.value_matrix(current, potential)
    ax = cp.plot_value_matrix(m, current, potential)
    cells = m.customers["cell"]
    for k in range(4):
        got = ax.collections[k].get_offsets()
        np.testing.assert_array_equal(got[:, 0], current[cells == k].to_numpy())
        np.testing.assert_array_equal(got[:, 1], potential[cells == k].to_numpy())
    assert sum(len(c.get_offsets()) for c in ax.collections) == len(current)
    assert ax.lines[0].get_xdata()[0] == m.current_thresholds[0]
    assert ax.lines[1].get_ydata()[0] == m.potential_thresholds[0]
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    row = m.cells.iloc[3]
    assert texts[3] == f"{row['label']}: {row['strategy']} ({row['count']:,})"
    # a Series in another order is aligned by label
    shuffled = potential.sample(frac=1.0, random_state=1)
    ax = cp.plot_value_matrix(m, current, shuffled, scale="symlog")
    np.testing.assert_array_equal(ax.collections[0].get_offsets()[:, 1], potential[cells == 0].to_numpy())
    assert ax.get_xscale() == "symlog"


def test_whale_curve_line_and_method_shortcut():
    w = cvm.whale_curve([-5, 100, 0, -40, 20, 60, -10, 30, -25, 10])
    ax = cp.plot_whale_curve(w)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), np.concatenate([[0.0], w.curve]))
    np.testing.assert_allclose(ax.lines[0].get_xdata(), np.arange(11) / 10)
    assert ax.lines[1].get_ydata()[0] == w.total == 140.0
    np.testing.assert_allclose(ax.collections[0].get_offsets(), [[0.5, 220.0]])
    ax2 = w.plot()
    np.testing.assert_array_equal(ax2.lines[0].get_ydata(), ax.lines[0].get_ydata())
    assert ax2.get_ylabel() == "cumulative profit (currency units)"


def test_cashflow_clv_worked_example():
    b = cvm.cashflow_breakdown([1000, 1500, 2000], 0.15, 5, cost=500, acquisition_cost=2500)
    ax = cp.plot_cashflow_clv(b)
    np.testing.assert_allclose(heights(ax.containers[0]), b["present_value"])
    y = ax.lines[0].get_ydata()
    np.testing.assert_allclose(np.round(y, 2), [-2500.0, -2065.22, -1309.07, -322.8, 534.83, 1280.6])
    assert "1,280.60" in ax.get_title()
    inf = cvm.cashflow_breakdown(100.0, 0.0, None, retention=0.5, min_rows=3)
    ax = cp.plot_cashflow_clv(inf)
    assert "tail 25.00" in ax.get_title() and "CLV 200.00" in ax.get_title()
    with pytest.raises(cvm.InvalidValueError) as e:
        cp.plot_cashflow_clv(pd.DataFrame({"present_value": [1.0], "cumulative": [1.0]}))
    assert e.value.field == "breakdown"


def test_loyalty_ladder_one_and_two_snapshots(cdnow_split, bg):
    before = cvm.loyalty_stages(cdnow_split, lapse_window=26)
    after = cvm.loyalty_stages(cdnow_split, model=bg, lapse_window=26)
    ax = cp.plot_loyalty_ladder(before)
    np.testing.assert_array_equal(heights(ax.containers[0]), before["stage"].value_counts(sort=False).to_numpy())
    assert len(ax.containers) == 1 and heights(ax.containers[0]).sum() == len(cdnow_split)
    ax = cp.plot_loyalty_ladder(before, after["stage"], labels=("window", "window + P(alive)"))
    np.testing.assert_array_equal(heights(ax.containers[1]), after["stage"].value_counts(sort=False).to_numpy())
    assert [t.get_text() for t in ax.get_xticklabels()][:3] == ["suspect", "prospect", "first time"]
    with pytest.raises(cvm.MissingColumnError):
        cp.plot_loyalty_ladder(cdnow_split)


def test_stage_migration_heatmap(cdnow_split, bg):
    before = cvm.loyalty_stages(cdnow_split, lapse_window=26)
    after = cvm.loyalty_stages(cdnow_split, model=bg, lapse_window=26)
    m = cvm.stage_migration(before, after)
    ax = cp.plot_stage_migration(m)
    np.testing.assert_array_equal(ax.images[0].get_array(), m.counts.to_numpy())
    assert int(ax.images[0].get_array().sum()) == len(cdnow_split)
    ax = cp.plot_stage_migration(m, values="rates")
    np.testing.assert_allclose(ax.images[0].get_array(), m.rates.to_numpy())
    written = {t.get_text() for t in ax.texts}
    assert f"{m.rate('repeat', 'lapsed'):.2f}" in written
    with pytest.raises(cvm.InvalidValueError):
        cp.plot_stage_migration(m, values="shares")
    with pytest.raises(cvm.InvalidTypeError):
        cp.plot_stage_migration(m.counts)


@pytest.fixture(scope="module")
def report(bg, cdnow_split):
    risk = cvm.churn_risk(bg, cdnow_split, horizon=39)
    churned = cdnow_split["frequency_holdout"] == 0
    return cvm.churn_report(risk["probability"], churned, baseline=cdnow_split["T"] - cdnow_split["recency"])


def test_churn_calibration_points(report):
    ax = cp.plot_churn_calibration(report)
    np.testing.assert_allclose(ax.lines[0].get_xdata(), report.calibration["mean_predicted"])
    np.testing.assert_allclose(ax.lines[0].get_ydata(), report.calibration["observed_rate"])
    assert len(ax.lines[0].get_xdata()) == 10
    # The bars span observed ± 2 standard errors.
    segments = ax.collections[0].get_segments()
    lows = [seg[:, 1].min() for seg in segments]
    highs = [seg[:, 1].max() for seg in segments]
    se = report.calibration["standard_error"].to_numpy()
    np.testing.assert_allclose(lows, report.calibration["observed_rate"] - 2 * se)
    np.testing.assert_allclose(highs, report.calibration["observed_rate"] + 2 * se)
    assert f"Hosmer–Lemeshow P = {report.calibration_test.p_value:.3g}" in ax.get_legend().get_texts()[0].get_text()


def test_gains_curves(report):
    ax = cp.plot_gains(report)
    x, y = ax.lines[0].get_xdata(), ax.lines[0].get_ydata()
    assert (x[0], y[0]) == (0.0, 0.0) and x[-1] == pytest.approx(1.0) and y[-1] == pytest.approx(1.0)
    np.testing.assert_allclose(y[1:], report.gains["cumulative_share"])
    np.testing.assert_allclose(x[1:], report.gains["count"].cumsum() / report.n)
    np.testing.assert_allclose(ax.lines[1].get_ydata()[1:], report.baseline_gains["cumulative_share"])
    assert f"AUC {report.auc:.3f}" in ax.get_legend().get_texts()[0].get_text()


def test_relationship_trends_scatter():
    profit = pd.DataFrame([[1400, 1200, 1000, 800], [100, 200, 300, 400], [900, 900, 900, 900],
                           [50, 40, 30, 20]], index=list("abcd"))
    r = cvm.relationship_trend(profit, high_level=500, slope_tolerance=50, slope_scale="absolute")
    ax = cp.plot_relationship_trends(r)
    # present trends in ladder order: high stable (c), high declining (a), low rising (b), low declining (d)
    by_trend = {t.get_text().rsplit(" (", 1)[0]: i for i, t in enumerate(ax.get_legend().get_texts())}
    assert list(by_trend) == ["high stable", "high declining", "low rising", "low stable"]
    np.testing.assert_allclose(ax.collections[by_trend["high declining"]].get_offsets(),
                               [[r.loc["a", "level"], r.loc["a", "slope"]]])
    np.testing.assert_allclose(ax.collections[by_trend["low stable"]].get_offsets(),
                               [[r.loc["d", "level"], r.loc["d", "slope"]]])
    assert ax.lines[0].get_xdata()[0] == 500.0


def test_selection_decisions_count_the_criteria_met(cdnow_split):
    rules = cvm.SelectionRules.from_dict({
        "version": 1, "name": "t",
        "criteria": [{"name": "repeat", "condition": {"attr": "frequency", "op": ">=", "value": 2}},
                     {"name": "recent", "condition": {"attr": "silent", "op": "<=", "value": 13}}],
        "hard": [{"name": "one_timer", "decision": "reactivate",
                  "condition": {"attr": "frequency", "op": "==", "value": 0}}],
        "decisions": [{"decision": "target", "min": 2}, {"decision": "develop", "min": 1, "max": 2},
                      {"decision": "maintain", "max": 1}],
    })
    data = cdnow_split.assign(silent=cdnow_split["T"] - cdnow_split["recency"])
    out = rules.evaluate(data)
    ax = cp.plot_selection_decisions(out)
    names = [t.get_text() for t in ax.get_xticklabels()]
    totals = dict(zip(names, heights(ax.containers[0])))
    assert totals == {k: v for k, v in out.attrs["counts"].items()}
    repeat = dict(zip(names, heights(ax.containers[1])))
    recent = dict(zip(names, heights(ax.containers[2])))
    hit = dict(zip(names, heights(ax.containers[3])))
    for d in names:
        rows = data[out["decision"] == d]
        assert repeat[d] == (rows["frequency"] >= 2).sum()
        assert recent[d] == (rows["silent"] <= 13).sum()
        assert hit[d] == (rows["frequency"] == 0).sum()
    assert hit["reactivate"] == totals["reactivate"] == (data["frequency"] == 0).sum()
    with pytest.raises(cvm.MissingColumnError):
        cp.plot_selection_decisions(rules.evaluate(data, reasons=False))


def test_wrong_result_objects():
    with pytest.raises(cvm.InvalidTypeError) as e:
        cp.plot_value_matrix(pd.DataFrame(), [1.0], [1.0])
    assert e.value.field == "matrix" and "cvm.value_matrix" in str(e.value)
    with pytest.raises(cvm.InvalidTypeError) as e:
        cp.plot_whale_curve([1.0, 2.0])
    assert e.value.field == "curve"
    with pytest.raises(cvm.InvalidTypeError) as e:
        cp.plot_gains({"auc": 0.5})
    assert e.value.field == "report"


def test_matplotlib_missing_is_an_import_error_naming_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    w = cvm.whale_curve([1.0, 2.0, -1.0])
    with pytest.raises(ImportError, match=r"pip install cvm\[plot\]"):
        cp.plot_whale_curve(w)
    with pytest.raises(ImportError, match=r"pip install cvm\[plot\]"):
        w.plot()


def test_importing_cvm_does_not_import_matplotlib():
    code = "import sys, cvm, cvm.plotting; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_every_plot_takes_ax_and_is_in_the_gallery():
    import inspect
    import pathlib

    docs = pathlib.Path(__file__).resolve().parents[2] / "docs"
    gallery = (docs / "plotting.md").read_text(encoding="utf-8")
    plots = [name for name in cp.__all__ if name.startswith("plot_")]
    assert len(plots) == 22
    for name in plots:
        ax = inspect.signature(getattr(cp, name)).parameters["ax"]
        assert ax.default is None, name
        assert f"`{name}(" in gallery, name
        image = name[len("plot_"):]
        assert f"(img/plot_{image}.png)" in gallery and (docs / "img" / f"plot_{image}.png").is_file(), name
