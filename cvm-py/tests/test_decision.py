"""The decision module from Python: playbooks, the customer value report, budgeted campaigns."""

from __future__ import annotations

import io
import itertools
import pickle

import numpy as np
import pandas as pd
import pytest

import cvm


def brute_force(gain, cost, budget):
    best = 0.0
    for mask in itertools.product([0, 1], repeat=len(gain)):
        c = sum(ci for ci, m in zip(cost, mask) if m)
        if c <= budget + 1e-9:
            best = max(best, sum(g for g, m in zip(gain, mask) if m))
    return best


def test_playbook_default_round_trip_and_pickle():
    book = cvm.Playbook.default()
    assert book.precedence == ["dormant", "fee", "big_customer_risk", "churn_band", "elastic",
                               "loyalty_stage", "matrix_cell"]
    cells = book.plays[book.plays["segment_type"] == "matrix_cell"].set_index("segment")["action"]
    assert cells["low_current_high_potential"] == "cultivate this group"
    assert cells["high_current_high_potential"] == "cultivate this group"
    assert cells["high_current_low_potential"] == "maintain this group"
    assert cells["low_current_low_potential"] == "think carefully before investing resources"
    assert cvm.Playbook.from_json(book.to_json()) == book
    assert pickle.loads(pickle.dumps(book)) == book
    with pytest.raises(cvm.SerializationError) as e:
        cvm.Playbook.from_dict({"version": 1, "plays": [], "precedence": ["vip"]})
    assert e.value.field == "$.precedence[0]"


def test_report_columns_actions_and_alignment():
    ids = pd.Index(["a", "b", "c"], name="customer")
    clv = pd.Series([100.0, 5.0, 40.0], index=ids)
    # Same labels in another order: aligned by label.
    stages = pd.DataFrame({"stage": ["lapsed", "repeat", "first_time"]}, index=["c", "a", "b"])
    dormant = pd.Series([False, None, True], index=ids, dtype=object)
    r = cvm.customer_value_report(clv=clv, stages=stages, dormant=dormant)
    f = r.to_frame()
    assert list(f.index) == ["a", "b", "c"]
    assert f["loyalty_stage"].tolist() == ["repeat", "first_time", "lapsed"]
    assert f["dormant"].isna().tolist() == [False, True, False]
    acts = f["next_best_action"].tolist()
    assert acts[0] == "no action: standard service"          # repeat has no play, no matrix
    assert acts[1] == "encourage the second purchase"
    assert acts[2].startswith("reactivate")                   # dormant outranks lapsed
    assert f["action_reason"].iloc[1].endswith("; unknown: dormant")
    assert "outranks loyalty_stage=lapsed" in f["action_reason"].iloc[2]
    # CSV reads back equal (numbers bit for bit).
    back = pd.read_csv(io.StringIO(r.to_csv()), index_col=0)
    assert back["clv"].tolist() == [100.0, 5.0, 40.0]
    assert back.shape == (3, len(f.columns))
    html = r.to_html("R&D")
    assert "<title>R&amp;D</title>" in html and "<script" not in html


def test_report_with_model_selection_and_custom_playbook():
    summary = pd.DataFrame({"frequency": [4.0, 0.0, 1.0], "recency": [30.0, 0.0, 2.0], "T": [32.0, 30.0, 40.0]},
                           index=[10, 11, 12])
    bg = cvm.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    churn = cvm.churn_probability(bg, summary, 13.0)
    sel = pd.DataFrame({"decision": ["target", "maintain", "maintain"],
                        "reasons": [["big:pass(x=3>=1)"], ["big:fail(x=0<1)"], ["big:fail(x=0<1)"]]},
                       index=summary.index)
    book = cvm.Playbook.from_dict({"version": 1, "precedence": ["churn_band"], "churn_bands": {"medium": 0.2, "high": 0.5},
                                   "plays": [{"segment_type": "churn_band", "segment": "high", "action": "call"}],
                                   "fallback": "nothing"})
    r = cvm.customer_value_report(model=bg, summary=summary, horizon=13.0, selection=sel, playbook=book)
    f = r.to_frame()
    np.testing.assert_allclose(f["churn_probability"], churn, rtol=0, atol=1e-15)
    assert f["decision_reasons"].tolist()[0] == "big:pass(x=3>=1)"
    expected = ["call" if p >= 0.5 else "nothing" for p in np.asarray(churn)]
    assert expected == ["nothing", "call", "call"]
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.customer_value_report(model=bg, summary=summary)
    assert e.value.field == "horizon"
    assert f["next_best_action"].tolist() == expected


def test_campaign_exact_equals_brute_force_and_greedy_bound():
    rng = np.random.default_rng(3)
    for _ in range(40):
        n = int(rng.integers(1, 9))
        clv = rng.uniform(-100, 2000, n).round()
        uplift = rng.uniform(0, 0.3, n).round(2)
        cost = (rng.uniform(0, 50, n).round() / 2)
        budget = float(np.round(rng.uniform(0, 100)))
        gain = uplift * clv - cost
        best = brute_force(gain, cost, budget)
        e = cvm.select_campaign(clv, uplift, cost, budget, method="exact")
        assert e.exact and abs(e.expected_return - best) < 1e-9
        assert e.spend <= budget
        g = cvm.select_campaign(clv, uplift, cost, budget, method="greedy")
        assert g.expected_return <= best + 1e-9 <= g.upper_bound + 2e-9
        assert g.expected_return >= best / 2 - 1e-9


def test_campaign_per_segment_costs_and_labels():
    idx = pd.Index(["w", "x", "y", "z"])
    clv = pd.Series([700.0, 1200.0, 1500.0, 50.0], index=idx)
    seg = pd.Series(["mail", "mail", "call", "mail"], index=idx)
    c = cvm.select_campaign(clv, 0.1, {"mail": 10.0, "call": 30.0}, 40.0, segment=seg)
    assert c.customers["selected"].tolist() == [False, True, True, False]
    assert c.customers["cost"].tolist() == [10.0, 10.0, 30.0, 10.0]
    assert abs(c.expected_return - 230.0) < 1e-9 and c.spend == 40.0
    assert (c.last_in, c.first_out) == ("y", "w")


def test_cdnow_campaign_comparison():
    s = cvm.datasets.load_cdnow_summary_with_transactions()
    clv = s["zbar"] * s["x"]
    c = cvm.compare_campaigns(clv, 0.05, 2.0, 300.0, draws=50, seed=1)
    gains = np.sort((0.05 * clv - 2.0).to_numpy())[::-1]
    best = gains[gains > 0][:150].sum()
    assert c.exact and abs(c.expected_return - best) < 1e-9 * best
    comp = c.comparison
    # One uplift and one cost: top-N by CLV is the optimum too (up to summation order).
    assert abs(comp.loc["optimised", "expected_return"] - comp.loc["top_by_clv", "expected_return"]) < 1e-9 * best
    assert comp.loc["optimised", "expected_return"] > comp.loc["random", "expected_return"]
    assert (comp["spend"] <= 300.0).all()


def test_report_reads_the_fee_schedule_frame():
    # ann: 150 000 all January (no fee), withdraws 100 000 on Feb 1 → February 50 000, fee 150.
    # bo: 50 000 in January (fee), 200 000 from Feb 1 (no fee). cy has no account: unknown.
    log = pd.DataFrame({
        "customer": ["ann", "ann", "bo", "bo"],
        "account": [1, 1, 2, 2],
        "date": ["2024-01-01", "2024-01-31", "2024-01-01", "2024-01-31"],
        "amount": [150_000.0, -100_000.0, 50_000.0, 150_000.0],
    })
    fees = cvm.rules.fee_schedule(log, "customer", "account", "date", "amount",
                                  default_tier="standard", last_month="2024-02")
    assert fees["fee"].tolist() == [0.0, 150.0, 150.0, 0.0]
    ids = pd.Index(["cy", "bo", "ann"])
    r = cvm.customer_value_report(clv=pd.Series([1.0, 2.0, 3.0], index=ids), fee_due=fees)
    f = r.to_frame()
    assert f["fee_due"].tolist()[1:] == [False, True]      # the latest month: February
    assert pd.isna(f["fee_due"].iloc[0])
    assert f.loc["ann", "next_best_action"].startswith("explain the monthly fee")
    assert not f.loc["bo", "next_best_action"].startswith("explain")
    with pytest.raises(cvm.InvalidValueError, match="customer 'bo' of the fee schedule") as e:
        cvm.customer_value_report(clv=pd.Series([1.0], index=["ann"]), fee_due=fees)
    assert e.value.field == "fee_due"
