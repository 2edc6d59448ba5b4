"""Every table in: polars DataFrames and LazyFrames and pyarrow Tables are accepted wherever a
pandas DataFrame is, and give the pandas numbers (on a positional index: neither has row labels)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import cvm

pl = pytest.importorskip("polars")

CONVERSIONS = {
    "polars": lambda df: pl.from_pandas(df),
    "lazy": lambda df: pl.from_pandas(df).lazy(),
}
try:
    import pyarrow as pa

    CONVERSIONS["arrow"] = lambda df: pa.Table.from_pandas(df, preserve_index=False)
except ImportError:  # pragma: no cover - a stack without pyarrow
    pass


@pytest.fixture(scope="module")
def summary(cdnow_split):
    return cdnow_split.reset_index(drop=True)


@pytest.fixture(scope="module")
def fitted(cdnow_split):
    bg = cvm.BetaGeo().fit(cdnow_split)
    gg = cvm.GammaGamma().fit(cdnow_split[cdnow_split["frequency"] > 0])
    return bg, gg


CALLS = {
    "BetaGeo.fit": lambda d, bg, gg: pd.Series(cvm.BetaGeo().fit(d).params_),
    "ParetoNBD.fit": lambda d, bg, gg: pd.Series(cvm.ParetoNBD().fit(d).params_),
    "predict": lambda d, bg, gg: bg.predict(d, 39.0, level=0.9),
    "calibration_holdout_table": lambda d, bg, gg: bg.calibration_holdout_table(d),
    "customer_lifetime_value": lambda d, bg, gg: cvm.customer_lifetime_value(bg, gg, d),
    "loyalty_stages": lambda d, bg, gg: cvm.loyalty_stages(d),
    "churn_probability": lambda d, bg, gg: cvm.churn_probability(bg, d, 39.0),
    "churn_risk": lambda d, bg, gg: cvm.churn_risk(bg, d, 39.0),
    "rfm_segments": lambda d, bg, gg: cvm.rfm_segments(d),
}


@pytest.mark.parametrize("kind", list(CONVERSIONS))
@pytest.mark.parametrize("call", list(CALLS))
def test_tables_of_every_library_give_the_pandas_result(summary, fitted, kind, call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cvm.CvmWarning)
        want = CALLS[call](summary, *fitted)
        got = CALLS[call](CONVERSIONS[kind](summary), *fitted)
    if isinstance(want, pd.DataFrame):
        pd.testing.assert_frame_equal(got, want)
    elif isinstance(want, pd.Series):
        pd.testing.assert_series_equal(got, want)
    else:
        assert type(got) is type(want)


def test_gamma_gamma_fit_and_a_column_of_each_library(summary, fitted):
    bg, _ = fitted
    repeat = summary[summary["frequency"] > 0].reset_index(drop=True)
    want = cvm.GammaGamma().fit(repeat).params_
    for convert in CONVERSIONS.values():
        assert cvm.GammaGamma().fit(convert(repeat)).params_ == want
    p = bg.probability_alive(summary["frequency"], summary["recency"], summary["T"]).to_numpy()
    cols = pl.from_pandas(summary)
    assert np.array_equal(bg.probability_alive(cols["frequency"], cols["recency"], cols["T"]), p)


@pytest.mark.parametrize("kind", list(CONVERSIONS))
def test_summary_from_a_log_of_every_library(cdnow_log, kind):
    want = cvm.summary_from_transactions(cdnow_log, "customer_id", "date", "amount", calibration_period_end="1997-09-30")
    got = cvm.summary_from_transactions(CONVERSIONS[kind](cdnow_log), "customer_id", "date", "amount",
                                        calibration_period_end="1997-09-30")
    pd.testing.assert_frame_equal(got, want)


def test_anything_else_names_the_argument():
    with pytest.raises(cvm.InvalidTypeError) as e:
        cvm.loyalty_stages([[1.0, 2.0, 3.0]])
    assert e.value.field == "summary" and "pandas, polars or pyarrow table" in str(e.value)


def test_output_polars_gives_the_same_table(cdnow_log, cdnow_split, fitted):
    bg, gg = fitted
    calls = {
        "summary_from_transactions": lambda **o: cvm.summary_from_transactions(cdnow_log, "customer_id", "date",
                                                                              "amount", **o),
        "predict": lambda **o: bg.predict(cdnow_split, 39.0, level=0.9, **o),
        "customer_lifetime_value": lambda **o: cvm.customer_lifetime_value(bg, gg, cdnow_split, **o),
        "loyalty_stages": lambda **o: cvm.loyalty_stages(cdnow_split, **o),
        "churn_risk": lambda **o: cvm.churn_risk(bg, cdnow_split, 39.0, **o),
        "rfm_segments": lambda **o: cvm.rfm_segments(cdnow_split, **o),
        "calibration_holdout_table": lambda **o: bg.calibration_holdout_table(cdnow_split, **o),
    }
    for name, call in calls.items():
        want = call()
        got = call(output="polars")
        assert isinstance(got, pl.DataFrame), name
        labelled = not isinstance(want.index, pd.RangeIndex)
        if labelled:
            key = want.index.name or "index"
            assert got.columns[0] == key and got.get_column(key).to_list() == want.index.tolist(), name
        for col in want.columns:
            a, b = want[col], got.get_column(str(col))
            numeric = pd.api.types.is_numeric_dtype(a.dtype) or pd.api.types.is_datetime64_any_dtype(a.dtype)
            if not numeric or isinstance(a.dtype, pd.CategoricalDtype):  # text: object, category, pandas 3 str
                assert [None if pd.isna(v) else str(v) for v in a] == b.cast(pl.Utf8).to_list(), (name, col)
            else:
                assert np.array_equal(a.to_numpy(), b.to_numpy(), equal_nan=True), (name, col)
    with pytest.raises(cvm.UnknownNameError) as e:
        cvm.loyalty_stages(cdnow_split, output="arrow")
    assert e.value.field == "output" and e.value.valid == ["pandas", "polars"]
