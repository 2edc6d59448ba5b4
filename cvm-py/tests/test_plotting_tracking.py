"""cvm.plotting, tracking plots from the CDNOW transaction log: the counts drawn are recomputed
here from the log by hand, the model's from the model. Headless (Agg)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from plotting_support import bg, close_figures, heights, plt  # noqa: F401 (fixtures)

import cvm  # noqa: E402
import cvm.plotting as cp  # noqa: E402


@pytest.fixture(scope="module")
def table(bg, cdnow_log):
    return cp.cumulative_transactions(bg, cdnow_log, "customer_id", "date", observation_period_end="1998-06-30")


def repeat_days_by(log: pd.DataFrame, end: pd.Timestamp) -> int:
    """Repeat purchase days (distinct days after each customer's first) up to ``end``, by hand."""
    days = log.loc[log["date"] <= end].assign(day=lambda d: d["date"].dt.normalize())
    per_customer = days.groupby("customer_id")["day"].nunique()
    return int((per_customer - 1).sum())


def test_cumulative_actual_counts_repeat_purchase_days(table, cdnow_log):
    # CDNOW's cohort first bought in 1997-01-01 … 1997-03-31; the axis starts on 1997-01-01
    assert table.attrs["origin"] == pd.Timestamp("1997-01-01")
    assert len(table) == 77 and table.index[-1] == 77.0
    for k in (1, 12, 39, 77):
        assert table.loc[float(k), "date"] == pd.Timestamp("1997-01-01") + pd.Timedelta(weeks=k)
        assert table.loc[float(k), "actual"] == repeat_days_by(cdnow_log, table.loc[float(k), "date"])
    assert np.all(np.diff(table["actual"]) >= 0)


def test_cumulative_model_is_expected_cumulative_transactions(table, bg, cdnow_log):
    whole = cvm.summary_from_transactions(cdnow_log, "customer_id", "date", observation_period_end="1998-06-30",
                                          time_unit="W")
    birth = whole["T"].max() - whole["T"]
    # births are the first purchase days, in weeks after 1997-01-01
    first = cdnow_log.groupby("customer_id")["date"].min()
    np.testing.assert_allclose(birth.to_numpy(), ((first - pd.Timestamp("1997-01-01")).dt.days / 7).to_numpy(),
                               atol=1e-9)
    want = bg.expected_cumulative_transactions(birth.to_numpy(), table.index.to_numpy())
    np.testing.assert_allclose(table["model"], want, rtol=1e-14)
    # the model fitted on the calibration tracks the holdout within 5 % at the end
    assert table["model"].iloc[-1] == pytest.approx(table["actual"].iloc[-1], rel=0.05)


def test_plot_cumulative_and_incremental_draw_the_table(bg, cdnow_log, table):
    args = (bg, cdnow_log, "customer_id", "date")
    ax = cp.plot_cumulative_transactions(*args, calibration_period_end="1997-09-30",
                                         observation_period_end="1998-06-30")
    np.testing.assert_allclose(ax.lines[0].get_ydata(), table["actual"])
    np.testing.assert_allclose(ax.lines[1].get_ydata(), table["model"])
    # the calibration end, 272 days after 1997-01-01, in weeks
    assert ax.lines[2].get_xdata()[0] == pytest.approx(272 / 7)
    ax = cp.plot_incremental_transactions(*args, observation_period_end="1998-06-30")
    np.testing.assert_allclose(ax.lines[0].get_ydata(), np.diff(table["actual"], prepend=0.0))
    np.testing.assert_allclose(ax.lines[1].get_ydata(), np.diff(table["model"], prepend=0.0))
    assert ax.lines[0].get_ydata().sum() == table["actual"].iloc[-1]
    assert ax.get_ylabel() == "repeat purchases per week"


def test_tracking_accepts_text_dates_and_t(bg, cdnow_log):
    log = cdnow_log.assign(date=cdnow_log["date"].dt.strftime("%Y-%m-%d"))
    t = cp.cumulative_transactions(bg, log, "customer_id", "date", t=10)
    assert len(t) == 10
    assert t.loc[10.0, "actual"] == repeat_days_by(cdnow_log, pd.Timestamp("1997-03-12"))


def test_history_alive_path(bg, cdnow_log):
    customer = 1000  # several purchases in 1997 and 1998
    mine = cdnow_log[cdnow_log["customer_id"] == customer]
    assert mine["date"].dt.normalize().nunique() >= 3
    ax = cp.plot_history_alive(bg, cdnow_log, customer, "customer_id", "date", end="1998-06-30", points=60)
    dates, alive = ax.lines[0].get_xdata(), ax.lines[0].get_ydata()
    assert len(alive) == 60
    # the last point: P(alive) of the customer's summary at the end
    s = cvm.summary_from_transactions(mine, "customer_id", "date", observation_period_end="1998-06-30",
                                      time_unit="W")
    want = bg.probability_alive(s["frequency"], s["recency"], s["T"]).iloc[0]
    assert alive[-1] == pytest.approx(want, rel=1e-12)
    assert alive[0] == pytest.approx(1.0)  # first purchase: no repeat yet, alive for sure
    # one dashed line per purchase day
    assert len(ax.lines) - 1 == mine["date"].dt.normalize().nunique()
    assert np.all((alive >= 0) & (alive <= 1))


def test_tracking_errors(bg, cdnow_log):
    with pytest.raises(cvm.MissingColumnError) as e:
        cp.plot_cumulative_transactions(bg, cdnow_log, "customer", "date")
    assert e.value.field == "customer" and "customer_id_col" in str(e.value)
    with pytest.raises(cvm.InvalidValueError) as e:
        cp.plot_history_alive(bg, cdnow_log, -5, "customer_id", "date")
    assert e.value.field == "customer_id"
    with pytest.raises(cvm.InvalidValueError) as e:
        cp.plot_cumulative_transactions(bg.with_time_unit(None), cdnow_log, "customer_id", "date")
    assert e.value.field == "model" and "time unit" in str(e.value)
    with pytest.raises(cvm.InvalidTypeError):
        cp.plot_history_alive(cvm.GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44), cdnow_log, 1,
                              "customer_id", "date")
