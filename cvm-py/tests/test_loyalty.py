"""Loyalty ladder, levels, churn risk, churn types and stage migration from Python."""

import numpy as np
import pandas as pd
import pytest

import cvm

STAGES = ["suspect", "prospect", "first_time", "repeat", "advocate", "lapsed"]


# -- hand-built cases ------------------------------------------------------------------------
@pytest.fixture()
def book():
    """Seven customers (weeks): two never bought, five did; ids 101..107."""
    index = pd.Index(range(101, 108), name="customer_id")
    summary = pd.DataFrame(
        {
            "frequency": [0, 0, 0, 2, 6, 4, 1],
            "recency": [0, 0, 0, 10, 30, 12, 3],
            "T": [0, 0, 4, 14, 32, 52, 40],
        },
        index=index,
        dtype=float,
    )
    signals = pd.DataFrame(
        {
            "purchased": [False, False, True, True, True, True, True],
            "interest": [0, 3, 0, 0, 0, 0, 0],
            "reviews": [0, 0, 1, 0, 2, 5, 0],
            "p_alive": [1, 1, 0.95, 0.8, 0.9, 0.7, 0.3],
        },
        index=index,
    )
    return summary, signals


def test_every_stage_with_its_reason(book):
    summary, signals = book
    out = cvm.loyalty_stages(summary, signals, lapse_window=26)
    assert out.index.equals(summary.index)
    assert list(out.columns) == ["stage", "reasons"]
    assert list(out["stage"].cat.categories) == STAGES
    assert out["stage"].cat.ordered
    assert out["stage"].tolist() == ["suspect", "prospect", "first_time", "repeat", "advocate", "lapsed", "lapsed"]
    assert out["reasons"].tolist() == [
        "suspect: no purchase, interest=0<1",
        "prospect: no purchase, interest=3>=1",
        "first_time: frequency=0<1",
        "repeat: frequency=2>=1",
        "advocate: frequency=6>=1, reviews=2>=1",
        "lapsed: T-recency=40>=26",
        "lapsed: p_alive=0.3<0.5",
    ]
    # Signals in another order are aligned by index.
    shuffled = signals.iloc[::-1]
    assert cvm.loyalty_stages(summary, shuffled, lapse_window=26)["reasons"].equals(out["reasons"])


def test_advocacy_signals_and_thresholds():
    summary = pd.DataFrame({"frequency": [3.0, 3.0, 3.0], "recency": [9.0, 9.0, 9.0], "T": [10.0, 10.0, 10.0]})
    signals = pd.DataFrame({"referrals": [2, 0, 0], "recommendations": [0, 1, 0]})
    out = cvm.loyalty_stages(summary, signals)
    assert out["reasons"].tolist() == [
        "advocate: frequency=3>=1, referrals=2>=1",
        "advocate: frequency=3>=1, recommendations=1>=1",
        "repeat: frequency=3>=1",
    ]
    out = cvm.loyalty_stages(summary, signals, advocate_min_referrals=3, repeat_min_frequency=4)
    assert out["reasons"].tolist() == ["first_time: frequency=3<4"] * 3


def test_model_p_alive_drives_lapsing(cdnow_split):
    summary = cdnow_split
    model = cvm.BetaGeo().fit(summary)
    p = model.probability_alive(summary["frequency"], summary["recency"], summary["T"])
    out = cvm.loyalty_stages(summary, model=model, p_alive_threshold=0.3)
    # Independent: lapsed iff P(alive) < 0.3; otherwise repeat with a repeat purchase.
    want = np.where(p < 0.3, "lapsed", np.where(summary["frequency"] >= 1, "repeat", "first_time"))
    assert (out["stage"].astype(str).to_numpy() == want).all()
    assert int((out["stage"] == "lapsed").sum()) == int((p < 0.3).sum())
    first = out.index[np.argmax(p.to_numpy() < 0.3)]
    assert out.loc[first, "reasons"].startswith("lapsed: p_alive=")
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.loyalty_stages(summary, pd.DataFrame({"p_alive": p}), model=model)
    assert e.value.field == "p_alive"


def test_every_level_with_its_reason():
    signals = pd.DataFrame(
        {
            "belief_better": [0, 1, 1, 1, 1],
            "satisfaction": [5, 2, 4, 5, 5],
            "repurchase_intent": [5, 5, 3, 4, 5],
            "repeat_despite_obstacles": [3, 3, 3, 0, 1],
        },
        index=list("abcde"),
    )
    out = cvm.loyalty_levels(signals)
    assert out.index.equals(signals.index)
    assert out["level"].tolist() == ["none", "cognitive", "affective", "conative", "action"]
    assert out["reasons"].tolist() == [
        "none: belief_better=0<0.5",
        "cognitive: belief_better=1>=0.5; satisfaction=2<4",
        "affective: satisfaction=4>=4; repurchase_intent=3<4",
        "conative: repurchase_intent=4>=4; repeat_despite_obstacles=0<1",
        "action: repeat_despite_obstacles=1>=1",
    ]
    highest = cvm.loyalty_levels(signals, rule="highest")
    assert highest["level"].tolist() == ["action", "action", "action", "conative", "action"]
    nan = signals.assign(satisfaction=[5, np.nan, 4, 5, 5])
    assert cvm.loyalty_levels(nan, missing="unobserved").loc["b", "level"] == "action"  # satisfaction skipped
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.loyalty_levels(nan)
    assert (e.value.field, e.value.index) == ("satisfaction", 1)
    with pytest.raises(cvm.UnknownNameError) as e:
        cvm.loyalty_levels(signals, rule="loudest")
    assert e.value.field == "rule"
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.loyalty_levels(signals, obstacles_threshold=0)
    assert e.value.field == "obstacles_threshold"


def test_every_churn_type_with_its_reason():
    reasons = pd.DataFrame(
        {
            "moved_or_died": [True, False, False, False, False, False, True],
            "competitor": [0, 1, 0, 0, 0, 0, 1],
            "our_fault": [False, False, True, False, False, False, False],
            "dissatisfied": [False, False, False, True, False, False, False],
            "payment_lapse": [False, False, False, True, True, False, False],
        },
        index=pd.Index(list("abcdefg"), name="customer"),
    )
    out = cvm.churn_types(reasons)
    assert out.index.equals(reasons.index)
    assert out["churn_type"].tolist() == [
        "active_natural",
        "active_competitive",
        "active_fault",
        "passive_retaliatory",
        "passive_non_malicious",
        "unknown",
        "active_natural",
    ]
    assert out["cause"].tolist() == [
        "moved_or_died", "competitor", "our_fault", "dissatisfied", "payment_lapse", None, "moved_or_died",
    ]  # fmt: skip
    assert out["reasons"].tolist() == [
        "active_natural: moved_or_died",
        "active_competitive: competitor",
        "active_fault: our_fault",
        "passive_retaliatory: dissatisfied",
        "passive_non_malicious: payment_lapse",
        "unknown: no reason field set",
        "active_natural: moved_or_died",
    ]


def test_migration_small_outer_join_and_strict():
    before = pd.Series(["first_time", "first_time", "repeat"], index=[1, 2, 3])
    after = pd.Series(["repeat", "lapsed", "advocate"], index=[4, 2, 1])
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.stage_migration(before, after)
    assert (e.value.field, e.value.index) == ("ids_before", 2)
    m = cvm.stage_migration(before, after, policy="outer_join")
    assert list(m.counts.index) == STAGES + ["new"]
    assert list(m.counts.columns) == STAGES + ["gone"]
    assert m.count("first_time", "lapsed") == 1
    assert m.count("first_time", "advocate") == 1
    assert m.count("repeat", "gone") == 1
    assert m.count("new", "repeat") == 1
    assert m.rate("first_time", "lapsed") == pytest.approx(0.5, abs=1e-15)
    assert m.moves.index.tolist() == [1, 2, 3, 4]
    assert m.moves["before"].astype(str).tolist() == ["first_time", "first_time", "repeat", "new"]
    assert m.moves["after"].astype(str).tolist() == ["advocate", "lapsed", "gone", "repeat"]
    assert "Stage migration" in m._repr_html_()
    # String ids go through codes and come back.
    sb = before.rename(index={1: "x", 2: "y", 3: "z"})
    sa = after.rename(index={4: "w", 2: "y", 1: "x"})
    m2 = cvm.stage_migration(sb, sa, policy="outer_join")
    assert m2.moves.index.tolist() == ["x", "y", "z", "w"]
    assert m2.counts.equals(m.counts)


# -- CDNOW: ladder and migration against an independent count ---------------------------------
def _by_hand(log: pd.DataFrame, end: str, weeks: int) -> pd.Series:
    """Stage per customer from the raw log in whole days (lapsed, repeat, first_time)."""
    days = pd.to_datetime(log["date"])
    keep = log.assign(day=days)[days <= pd.Timestamp(end)]
    g = keep.groupby("customer_id")["day"]
    first, last = g.min(), g.max()
    silent = (pd.Timestamp(end) - last).dt.days
    return pd.Series(
        np.where(silent >= 7 * weeks, "lapsed", np.where(last > first, "repeat", "first_time")), index=first.index
    )


@pytest.mark.parametrize(
    "weeks, cal, fin, moves",
    [
        (26, (0, 725, 1632), (0, 515, 1842), {("repeat", "repeat"): 341, ("repeat", "lapsed"): 384,
                                               ("lapsed", "repeat"): 174, ("lapsed", "lapsed"): 1458}),
        (52, (1411, 946, 0), (0, 808, 1549), {("first_time", "repeat"): 193, ("first_time", "lapsed"): 1218,
                                               ("repeat", "repeat"): 615, ("repeat", "lapsed"): 331}),
    ],
)  # fmt: skip
def test_cdnow_ladder_and_migration(cdnow_log, weeks, cal, fin, moves):
    snapshots = {}
    for name, end in (("cal", "1997-09-30"), ("end", "1998-06-30")):
        log = cdnow_log[pd.to_datetime(cdnow_log["date"]) <= pd.Timestamp(end)]
        summary = cvm.summary_from_transactions(
            log, "customer_id", "date", observation_period_end=end, time_unit="W"
        )
        snapshots[name] = cvm.loyalty_stages(summary, lapse_window=weeks)
        hand = _by_hand(cdnow_log, end, weeks)
        assert len(summary) == 2357
        assert (snapshots[name]["stage"].astype(str) == hand.reindex(summary.index)).all()
    for name, pinned in (("cal", cal), ("end", fin)):
        counts = snapshots[name]["stage"].value_counts()
        assert tuple(int(counts[s]) for s in ("first_time", "repeat", "lapsed")) == pinned
        assert int(counts[["suspect", "prospect", "advocate"]].sum()) == 0
    m = cvm.stage_migration(snapshots["cal"], snapshots["end"])
    hand_cal, hand_end = _by_hand(cdnow_log, "1997-09-30", weeks), _by_hand(cdnow_log, "1998-06-30", weeks)
    crosstab = pd.crosstab(hand_cal, hand_end.reindex(hand_cal.index))
    for a in STAGES:
        for b in STAGES:
            want = int(crosstab.loc[a, b]) if a in crosstab.index and b in crosstab.columns else 0
            assert m.count(a, b) == want, (a, b)
            assert m.count(a, b) == moves.get((a, b), 0), (a, b)
            row = int((hand_cal == a).sum())
            assert m.rate(a, b) == pytest.approx(want / row if row else 0.0, rel=1e-15, abs=0)
    assert m.counts.sum(axis=1).tolist() == [int((hand_cal == s).sum()) for s in STAGES]
    assert len(m.moves) == 2357


# -- bad input --------------------------------------------------------------------------------
def test_bad_signals(book):
    summary, signals = book
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.loyalty_stages(summary, signals.iloc[:5])
    assert (e.value.field, e.value.index) == ("signals", 5)
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.loyalty_stages(summary, signals.rename(index={107: 999}))
    assert (e.value.field, e.value.index) == ("signals", 6)
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.loyalty_stages(summary, signals.assign(purchased=[True, False, True, "yes", True, True, True]))
    assert (e.value.field, e.value.index) == ("purchased", 3)
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.loyalty_stages(summary, signals.assign(purchased=[1, 0, 1, 1, 2, 1, 1]))
    assert (e.value.field, e.value.index) == ("purchased", 4)
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.loyalty_stages(summary, signals.assign(reviews=[0, 0, 1, "many", 2, 5, 0]))
    assert (e.value.field, e.value.index) == ("reviews", 3)
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.loyalty_stages(summary, signals.assign(reviews=[0, 0, 1, -1, 2, 5, 0]))
    assert (e.value.field, e.value.index) == ("reviews", 3)
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.loyalty_stages(summary, signals.assign(p_alive=[1, 1, 0.9, np.nan, 0.9, 0.7, 0.3]))
    assert (e.value.field, e.value.index) == ("p_alive", 3)
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.loyalty_stages(summary, signals.assign(reviews=pd.array([0, 0, 1, 0, None, 5, 0], dtype="Int64")))
    assert (e.value.field, e.value.index) == ("reviews", 4)
    # Nullable and bool columns are fine when complete.
    ok = signals.assign(reviews=pd.array([0, 0, 1, 0, 2, 5, 0], dtype="Int64"), interest=[False, True] + [False] * 5)
    assert cvm.loyalty_stages(summary, ok, lapse_window=26)["stage"].tolist()[:2] == ["suspect", "prospect"]
    with pytest.raises(cvm.UnknownNameError) as e:
        cvm.loyalty_stages(summary, signals.assign(refferals=0))
    assert e.value.field == "signals"
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.loyalty_stages(summary, signals.assign(purchased=[False, False, True, False, True, True, True]))
    assert (e.value.field, e.value.index) == ("frequency", 3)  # a non-buyer with purchases


@pytest.mark.parametrize(
    "option, value",
    [("lapse_window", -1.0), ("lapse_window", 0.0), ("p_alive_threshold", 0.0), ("p_alive_threshold", 1.5),
     ("repeat_min_frequency", 0.0), ("advocate_min_reviews", float("nan"))],
)  # fmt: skip
def test_thresholds_outside_their_domain(book, option, value):
    summary, signals = book
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.loyalty_stages(summary, signals, **{option: value})
    assert e.value.field == option
    assert e.value.index is None


def test_bad_churn_input(book):
    summary, _ = book
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.churn_types(pd.DataFrame({"competitor": [True, False], "payment_lapse": [0, 0.5]}))
    assert (e.value.field, e.value.index) == ("payment_lapse", 1)
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.churn_types(pd.DataFrame({"competitor": [True, None]}))
    assert (e.value.field, e.value.index) == ("competitor", 1)
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.churn_types(pd.DataFrame(index=[1, 2]))
    assert e.value.field == "reasons"


def test_bad_migration_input():
    before = pd.Series(["repeat", "lapsed"], index=[1, 2])
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.stage_migration(before, pd.Series(["repeat", "loyal"], index=[1, 2]))
    assert (e.value.field, e.value.index) == ("stages_after", 1)
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.stage_migration(before, pd.Series(["repeat", "lapsed"], index=[1, 3]))
    assert (e.value.field, e.value.index) == ("ids_before", 1)
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.stage_migration(before, pd.Series(["repeat", "lapsed"], index=[1, 1]), policy="outer_join")
    assert (e.value.field, e.value.index) == ("ids_after", 1)
    with pytest.raises(cvm.UnknownNameError) as e:
        cvm.stage_migration(before, before, policy="inner")
    assert e.value.field == "policy"
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.stage_migration(before, [1, 2])
    assert e.value.field == "after"
