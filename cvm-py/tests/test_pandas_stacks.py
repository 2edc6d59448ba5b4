"""What users see on every pandas cvm supports (1.5, 2.x, 3.x; docs/python-stacks.md): the dtype
of each kind of output column and what a missing value looks like in it, input labels of every
text dtype, and inputs never modified (copy-on-write)."""

import numpy as np
import pandas as pd
import pytest

import cvm

PANDAS_MAJOR_MINOR = tuple(int(p) for p in pd.__version__.split(".")[:2])


def assert_text(s: pd.Series, want: list) -> None:
    """A text column: object dtype, str values, None for missing — on every pandas."""
    assert s.dtype == object, s.dtype
    assert s.tolist() == want
    for v, w in zip(s.tolist(), want):
        assert (v is None) if w is None else isinstance(v, str)
    assert s.isna().tolist() == [w is None for w in want]


def assert_categorical(s: pd.Series, categories: list, want: list) -> None:
    """A categorical column: fixed categories in the documented order; missing is NaN."""
    assert isinstance(s.dtype, pd.CategoricalDtype)
    assert list(s.cat.categories) == categories
    got = s.tolist()
    assert [None if (isinstance(v, float) and np.isnan(v)) else v for v in got] == want


def selection_data() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "margin": [1234.5, 800.0, 1000.0, np.nan],
            "segment": pd.Categorical(["gold", "silver", "bronze", None], categories=["gold", "silver", "bronze"]),
        },
        index=pd.Index(list("abcd"), name="customer"),
    )


RULES = {
    "version": 1,
    "criteria": [{"name": "profitable", "weight": 1, "condition": {"attr": "margin", "op": ">=", "value": 1000}}],
    "hard": [{"name": "bronze", "condition": {"attr": "segment", "op": "in", "values": ["bronze"]}, "decision": "decline"}],
    "decisions": [{"decision": "yes", "min": 1}, {"decision": "no", "max": 1}],
}


def test_selection_fired_rule_is_text_with_none_and_decision_categorical():
    out = cvm.SelectionRules.from_dict(RULES).evaluate(selection_data())
    assert_text(out["fired_rule"], [None, None, "bronze", None])
    assert_categorical(out["decision"], ["yes", "no", "decline"], ["yes", "no", "decline", "no"])
    assert out["score"].dtype == np.float64
    assert out["reasons"].dtype == object and all(isinstance(r, list) for r in out["reasons"])


def test_churn_cause_is_text_with_none():
    reasons = pd.DataFrame({"competitor": [True, False], "dissatisfied": [False, False]}, index=[7, 9])
    out = cvm.churn_types(reasons)
    assert_text(out["cause"], ["competitor", None])
    assert_text(out["reasons"], out["reasons"].tolist())
    assert out["churn_type"].tolist() == ["active_competitive", "unknown"]
    assert isinstance(out["churn_type"].dtype, pd.CategoricalDtype)


def test_loyalty_reasons_and_value_matrix_labels_are_text():
    summary = pd.DataFrame({"frequency": [0.0, 2.0], "recency": [0.0, 10.0], "T": [0.0, 12.0]}, index=[1, 2])
    stages = cvm.loyalty_stages(summary, pd.DataFrame({"purchased": [False, True]}, index=summary.index))
    assert_text(stages["reasons"], stages["reasons"].tolist())
    levels = cvm.loyalty_levels(pd.DataFrame({"satisfaction": [5.0, 3.0]}))
    assert_text(levels["reasons"], levels["reasons"].tolist())
    m = cvm.value_matrix(pd.Series([10.0, 200.0, 35.0, 500.0], index=list("abcd")), [900.0, 50.0, 20.0, 700.0])
    for frame in (m.customers, m.cells):
        assert_text(frame["label"], frame["label"].tolist())
        assert_text(frame["strategy"], frame["strategy"].tolist())
    trend = cvm.relationship_trend(pd.DataFrame([[1400, 1200], [100, 200]]), high_level=900)
    assert_text(trend["trend"], trend["trend"].tolist())
    assert_text(trend["reason"], trend["reason"].tolist())


def test_missing_numbers_are_nan_in_float_columns():
    bg = cvm.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    out = cvm.churn_risk(bg, pd.DataFrame({"frequency": [4.0, 0.0], "recency": [20.0, 0.0], "T": [25.0, 16.0]}), 10)
    for name in ("probability", "score", "since_last_purchase"):
        assert out[name].dtype == np.float64
    assert out["at_risk"].dtype == bool


LABEL_DTYPES = {
    "object": object,
    "string": "string",  # pd.NA for missing
    "category": "category",
    "default": None,  # object on pandas < 3, str (NaN for missing) on pandas 3
}


@pytest.mark.parametrize("kind", sorted(LABEL_DTYPES))
def test_input_labels_of_every_text_dtype_give_the_same_result(kind):
    df = selection_data()
    df["segment"] = pd.Series(["gold", "silver", "bronze", None], index=df.index, dtype=LABEL_DTYPES[kind])
    out = cvm.SelectionRules.from_dict(RULES).evaluate(df)
    assert out["decision"].tolist() == ["yes", "no", "decline", "no"]
    assert_text(out["fired_rule"], [None, None, "bronze", None])
    assert out["reasons"]["d"] == ["profitable:missing(margin=NA)", "bronze:missing(segment=NA)"]


@pytest.fixture
def copy_on_write_warnings():
    """pandas 2.2's "warn" mode reports every place whose result changes under copy-on-write
    (the pandas 3 default); older pandas has no such mode and pandas 3 is copy-on-write always."""
    if (2, 2) <= PANDAS_MAJOR_MINOR < (3, 0):
        with pd.option_context("mode.copy_on_write", "warn"):
            yield
    else:
        yield


def test_inputs_are_never_modified_and_results_do_not_share_them(copy_on_write_warnings, cdnow_log):
    log = cdnow_log.head(500).copy()
    before = log.copy()
    summary = cvm.summary_from_transactions(log, "customer_id", "date", "amount", time_unit="W")
    pd.testing.assert_frame_equal(log, before)
    kept = summary.copy()
    cvm.rfm_segments(summary)
    cvm.churn_risk(cvm.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426), summary, 10)
    pd.testing.assert_frame_equal(summary, kept)
    df = selection_data()
    out = cvm.SelectionRules.from_dict(RULES).evaluate(df)
    out.loc["a", "score"] = -1.0
    pd.testing.assert_frame_equal(df, selection_data())
