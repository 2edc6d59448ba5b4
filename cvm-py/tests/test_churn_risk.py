"""The churn probability and the churn-risk table from Python: the same numbers as the core's
formulas, the CDNOW holdout ranking (docs/churn.md) and errors naming the argument."""

import numpy as np
import pandas as pd
import pytest

import cvm

BG = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}


def auc(score, y):
    r = pd.Series(np.asarray(score)).rank(method="average").to_numpy()
    y = np.asarray(y, dtype=bool)
    n1, n0 = y.sum(), (~y).sum()
    return (r[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0)


def test_bg_nbd_closed_form_and_the_new_customer():
    m = cvm.BetaGeo.from_params(**BG)
    s = pd.DataFrame({"frequency": [0.0, 0.0, 6.0], "recency": [0.0, 0.0, 36.0], "T": [0.0, 38.0, 38.0]},
                     index=["new", "old_once", "frequent"])
    p = cvm.churn_probability(m, s, 39.0)
    assert list(p.index) == ["new", "old_once", "frequent"]
    assert p["new"] == pytest.approx(m.probability_of_n_purchases(0, 39.0), abs=1e-13)
    pa = m.probability_alive(s["frequency"], s["recency"], s["T"]).to_numpy()
    none = ((BG["alpha"] + s["T"]) / (BG["alpha"] + s["T"] + 39)) ** (BG["r"] + s["frequency"])
    np.testing.assert_allclose(p, 1 - pa + pa * none, rtol=0, atol=1e-12)


def test_bg_bb_takes_whole_periods():
    m = cvm.BetaGeoBetaBinom.from_params(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
    s = pd.DataFrame({"frequency": [0.0, 3.0], "recency": [0.0, 6.0], "n_periods": [0.0, 6.0]})
    p = cvm.churn_probability(m, s, 5)
    assert p.iloc[0] == pytest.approx(m.probability_of_n_transactions(0, 5), abs=1e-13)
    assert 0 < p.iloc[1] < p.iloc[0]
    with pytest.raises(cvm.InvalidValueError, match="whole number of periods") as e:
        cvm.churn_probability(m, s, 2.5)
    assert e.value.field == "horizon"


def test_risk_table_columns_reasons_and_value_at_risk():
    m = cvm.BetaGeo.from_params(**BG)
    s = pd.DataFrame({"frequency": [0.0, 6.0], "recency": [0.0, 36.0], "T": [38.0, 38.0]}, index=["a", "b"])
    clv = pd.Series([400.0, 50.0], index=["b", "a"])  # aligned by label
    out = cvm.churn_risk(m, s, 39.0, clv=clv)
    assert list(out.columns) == ["probability", "score", "band", "at_risk", "p_alive", "expected_purchases",
                                 "since_last_purchase", "value_at_risk", "reason"]
    np.testing.assert_allclose(out["probability"], cvm.churn_probability(m, s, 39.0), rtol=0, atol=0)
    np.testing.assert_allclose(out["score"], np.exp(-out["expected_purchases"]), rtol=1e-15)
    np.testing.assert_allclose(out["value_at_risk"], out["probability"] * [50.0, 400.0], rtol=1e-15)
    assert out["band"].tolist() == ["high", "low"]
    assert out["at_risk"].tolist() == [True, False]
    assert out["since_last_purchase"].tolist() == [38.0, 2.0]
    assert out["reason"]["a"] == "P(no purchase in 39) = 0.853: P(alive) 1, expected purchases 0.199, 38 since the last purchase"
    assert out.attrs["horizon"] == 39.0


@pytest.mark.parametrize("kind,score_auc", [
    ("BetaGeo", 0.772524), ("ModifiedBetaGeo", 0.772762), ("ParetoNBD", 0.778742)])
def test_the_score_ranks_the_cdnow_holdout_at_least_as_well_as_recency(cdnow_split, kind, score_auc):
    churned = cdnow_split["frequency_holdout"] == 0
    baseline = auc(cdnow_split["T"] - cdnow_split["recency"], churned)
    assert baseline == pytest.approx(0.771435, abs=1e-6)
    model = getattr(cvm, kind)().fit(cdnow_split)
    out = cvm.churn_risk(model, cdnow_split, 39.0)
    a = auc(out["score"], churned)
    assert a >= baseline
    assert a == pytest.approx(score_auc, abs=1e-5)


def test_errors_name_the_argument():
    m = cvm.BetaGeo.from_params(**BG)
    s = pd.DataFrame({"frequency": [1.0, 2.0], "recency": [1.0, 9.0], "T": [5.0, 5.0]}, index=["x", "y"])
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.churn_probability(m, s, 5.0)
    assert (e.value.field, e.value.index) == ("recency", 1)
    ok = s.assign(recency=[1.0, 2.0])
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.churn_risk(m, ok, 5.0, high_threshold=1.5)
    assert e.value.field == "high_threshold"
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.churn_risk(m, ok, float("nan"))
    assert e.value.field == "horizon"
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm.churn_risk(m, ok, 5.0, clv=[1.0, np.inf])
    assert (e.value.field, e.value.index) == ("clv", 1)
    with pytest.raises(cvm.InvalidTypeError) as e:
        cvm.churn_risk(None, ok, 5.0)
    assert e.value.field == "model"
