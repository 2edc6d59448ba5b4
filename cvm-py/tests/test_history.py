"""The lifetimes helpers as tables (cvm.history): matrices over frequency × recency, one
customer's P(alive) path and the cohort's cumulative transactions from the log, checked against
the model's own predictions and summaries of the log."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cvm


@pytest.fixture(scope="module")
def bg(cdnow_split):
    return cvm.BetaGeo().fit(cdnow_split)


def test_matrices_are_the_models_predictions_on_the_grid(bg, cdnow_split):
    m = bg.frequency_recency_matrix(t=10, summary=cdnow_split)
    assert m.equals(cvm.frequency_recency_matrix(bg, 10, summary=cdnow_split))
    age = float(cdnow_split["T"].max())
    assert m.attrs["T"] == age and m.index.name == "frequency" and m.columns.name == "recency"
    assert list(m.index) == list(range(int(cdnow_split["frequency"].max()) + 1))
    assert list(m.columns) == list(range(int(np.floor(age)) + 1))
    assert m.loc[3, 20] == bg.expected_purchases(10, 3, 20, age)
    assert m.loc[0, 0] == bg.expected_purchases(10, 0, 0, age)
    # Histories no summary can hold are blank: repeats at recency 0, a recency without repeats.
    assert np.isnan(m.loc[2, 0]) and np.isnan(m.loc[0, 5])
    p = bg.probability_alive_matrix(max_frequency=4, max_recency=30)
    assert p.shape == (5, 31) and p.attrs["T"] == 30.0
    assert p.loc[4, 29] == bg.probability_alive(4, 29, 30)
    with pytest.raises(cvm.InvalidValueError) as e:
        bg.probability_alive_matrix(max_frequency=4)
    assert e.value.field == "summary"
    with pytest.raises(cvm.InvalidTypeError):
        cvm.probability_alive_matrix("not a model", 2, 3)


def test_probability_alive_history_follows_the_log(bg, cdnow_log):
    h = bg.probability_alive_history(cdnow_log, 1, "customer_id", "date", end="1998-06-30", freq="D", points=50)
    assert list(h.columns) == ["date", "frequency", "recency", "T", "p_alive"] and len(h) == 50
    mine = cdnow_log[cdnow_log["customer_id"] == 1]
    assert h["date"].iloc[0] == pd.Timestamp(mine["date"].min()) and h["date"].iloc[-1] == pd.Timestamp("1998-06-30")
    whole = cvm.summary_from_transactions(mine, "customer_id", "date", observation_period_end="1998-06-30",
                                          time_unit="W")
    last = h.iloc[-1]
    assert (last["frequency"], last["recency"], last["T"]) == tuple(whole.iloc[0][["frequency", "recency", "T"]])
    assert last["p_alive"] == bg.probability_alive(last["frequency"], last["recency"], last["T"])
    assert ((h["p_alive"] > 0) & (h["p_alive"] <= 1)).all()
    with pytest.raises(cvm.InvalidValueError) as e:
        bg.probability_alive_history(cdnow_log, -5, "customer_id", "date")
    assert e.value.field == "customer_id"


def test_expected_cumulative_transactions_from_the_log(bg, cdnow_log):
    t = cvm.expected_cumulative_transactions(bg, cdnow_log, "customer_id", "date", t=20)
    assert t is not None and list(t.columns) == ["date", "actual", "model"] and list(t.index) == list(range(1, 21))
    assert cvm.plotting.cumulative_transactions is cvm.expected_cumulative_transactions
    # The actual count at week k is the repeat purchases in the log cut there.
    cut = cdnow_log[cdnow_log["date"] <= t["date"].iloc[-1]]
    s = cvm.summary_from_transactions(cut, "customer_id", "date", observation_period_end=t["date"].iloc[-1],
                                      time_unit="W")
    assert t["actual"].iloc[-1] == s["frequency"].sum()
    assert t["actual"].is_monotonic_increasing and t["model"].is_monotonic_increasing
