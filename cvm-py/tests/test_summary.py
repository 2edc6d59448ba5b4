"""Customer summary, compression and RFM from Python: CDNOW golden checks and bad input."""

import numpy as np
import pandas as pd
import pytest

import cvm


def test_cdnow_calibration_matches_published_summary(cdnow_split):
    s = cdnow_split
    published = cvm.datasets.load_cdnow_summary()
    assert len(s) == 2357
    assert s["frequency"].sum() == 2457
    assert (s["frequency"] > 0).sum() == 946
    assert s["frequency_holdout"].sum() == 1882
    assert s.attrs["excluded_customers"] == 0
    np.testing.assert_array_equal(s.index.to_numpy(), published.index.to_numpy())
    np.testing.assert_array_equal(s["frequency"], published["frequency"])
    np.testing.assert_allclose(s["recency"], published["recency"], rtol=0, atol=0.005 + 1e-9)
    np.testing.assert_allclose(s["T"], published["T"], rtol=0, atol=0.005 + 1e-9)
    assert s["duration_holdout"].iloc[0] == pytest.approx(39.0, rel=1e-12)


def test_cdnow_zbar(cdnow_split):
    published = cvm.datasets.load_cdnow_summary_with_transactions()
    np.testing.assert_allclose(cdnow_split["monetary_value"], published["zbar"], rtol=0, atol=0.005 + 1e-9)


def test_observation_only_equals_calibration_part(cdnow_log, cdnow_split):
    cal = cdnow_log[cdnow_log["date"] <= "1997-09-30"]
    s = cvm.summary_from_transactions(
        cal, "customer_id", "date", "amount", observation_period_end="1997-09-30", time_unit="W"
    )
    pd.testing.assert_frame_equal(s, cdnow_split[["frequency", "recency", "T", "monetary_value"]], check_exact=True)


def test_string_ids_datetime_strings_and_polars(cdnow_log):
    log = cdnow_log.head(500).copy()
    ref = cvm.summary_from_transactions(log, "customer_id", "date", "amount")
    log2 = log.assign(customer_id="c" + log["customer_id"].astype(str).str.zfill(4), date=log["date"].dt.strftime("%Y-%m-%d"))
    s2 = cvm.summary_from_transactions(log2, "customer_id", "date", "amount")
    assert s2.index[0] == "c0001"
    np.testing.assert_array_equal(s2[["frequency", "recency", "T"]].to_numpy(), ref[["frequency", "recency", "T"]].to_numpy())
    pl = pytest.importorskip("polars")
    s3 = cvm.summary_from_transactions(pl.from_pandas(log), "customer_id", "date", "amount")
    pd.testing.assert_frame_equal(s3, ref, check_exact=True)


def test_freq_and_time_units():
    log = pd.DataFrame(
        {"id": [1, 1, 1, 2], "t": pd.to_datetime(["2023-01-03", "2023-01-30", "2023-03-09", "2023-02-01"]), "a": [1.0, 2.0, 4.0, 8.0]}
    )
    s = cvm.summary_from_transactions(log, "id", "t", "a", observation_period_end="2023-06-30", freq="M", include_first_purchase=True)
    assert s["frequency"].tolist() == [1.0, 0.0]
    assert s["recency"].tolist() == [2.0, 0.0]
    assert s["T"].tolist() == [5.0, 4.0]
    assert s["monetary_value"].tolist() == [3.5, 8.0]
    days = cvm.summary_from_transactions(log, "id", "t", observation_period_end="2023-06-30", time_unit="D")
    assert days.loc[1, "T"] == (pd.Timestamp("2023-06-30") - pd.Timestamp("2023-01-03")).days
    assert "monetary_value" not in days.columns


def test_negative_amounts_allowed():
    log = pd.DataFrame({"id": [1, 1, 1], "t": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]), "a": [10.0, -4.0, 6.0]})
    assert cvm.summary_from_transactions(log, "id", "t", "a")["monetary_value"].tolist() == [1.0]


@pytest.mark.parametrize(
    "mutate, exc, field, index",
    [
        (lambda d: d.iloc[0:0], cvm.EmptyInputError, "id", None),
        (lambda d: d.assign(a=[1.0, np.nan, 2.0]), cvm.InvalidValueError, "a", 1),
        (lambda d: d.assign(a=[1.0, 2.0, np.inf]), cvm.InvalidValueError, "a", 2),
        (lambda d: d.assign(t=["2024-01-01", "not a date", "2024-01-03"]), cvm.InvalidValueError, "t", 1),
        (lambda d: d.assign(t=pd.to_datetime(["2024-01-01", None, "2024-01-03"])), cvm.InvalidValueError, "t", 1),
        (lambda d: d.assign(id=pd.array([1, None, 3], dtype="Int64")), cvm.InvalidValueError, "id", 1),
        (lambda d: d.assign(id=["a", None, "c"]), cvm.InvalidValueError, "id", 1),
    ],
)
def test_bad_input(mutate, exc, field, index):
    log = pd.DataFrame({"id": [1, 2, 3], "t": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]), "a": [1.0, 2.0, 3.0]})
    with pytest.raises(exc) as info:
        cvm.summary_from_transactions(mutate(log), "id", "t", "a")
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, cvm.CvmError)
    assert info.value.field == field
    assert info.value.index == index


def test_bad_options():
    log = pd.DataFrame({"id": [1, 2, 3], "t": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-05"])})
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.summary_from_transactions(log, "id", "t", observation_period_end="2024-01-03")
    assert (info.value.field, info.value.index) == ("t", 2)
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.summary_from_transactions(log, "id", "t", observation_period_end="2024-01-05", calibration_period_end="2024-02-01")
    assert info.value.field == "calibration_period_end"
    with pytest.raises(cvm.UnknownNameError) as info:
        cvm.summary_from_transactions(log, "id", "t", freq="Q")
    assert info.value.field == "freq" and info.value.valid == ["D", "W", "M", "Y"]
    with pytest.raises(cvm.InvalidValueError):
        cvm.summary_from_transactions(log, "id", "t", freq_multiplier=0)
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.summary_from_transactions(log, "id", "missing_col")
    assert info.value.field == "missing_col"


def test_length_mismatch_from_native_layer():
    with pytest.raises(cvm.LengthMismatchError) as info:
        cvm._cvm.summarize(np.array([1, 2], dtype=np.int64), np.array([1], dtype=np.int64))
    assert (info.value.field, info.value.expected, info.value.got) == ("datetime", 2, 1)


def test_compress_round_trip(cdnow_split):
    unique, inverse = cvm.compress(cdnow_split)
    assert unique["weight"].sum() == 2357
    assert len(unique) < 2357
    back = unique.iloc[inverse][["frequency", "recency", "T"]].to_numpy()
    np.testing.assert_array_equal(back, cdnow_split[["frequency", "recency", "T"]].to_numpy())


def test_rfm_segments(cdnow_split):
    seg = cvm.rfm_segments(cdnow_split)
    assert seg.index.equals(cdnow_split.index)
    assert seg["segment"].value_counts().sum() == 2357
    assert list(seg["segment"].cat.categories)[:3] == ["champions", "need_attention", "loyal"]
    champions = ((seg["r_score"] >= 4) & (((seg["f_score"] + seg["m_score"] + 1) // 2) >= 4)).sum()
    assert (seg["segment"] == "champions").sum() == champions
    # Quintiles by mid-rank percentile, recomputed independently.
    f = cdnow_split["frequency"]
    p = (f.rank(method="min") - 1 + 0.5 * f.groupby(f).transform("size")) / len(f)
    expect = np.minimum(5, np.floor(5 * p).astype(int) + 1)
    np.testing.assert_array_equal(seg["f_score"].to_numpy(), expect.to_numpy())


def test_rfm_custom_table_and_gaps(cdnow_split):
    table = [{"name": "recent", "recency": [3, 5], "frequency_monetary": [1, 5]}, {"name": "old", "recency": [1, 2], "frequency_monetary": [1, 5]}]
    seg = cvm.rfm_segments(cdnow_split, table=table)
    assert set(seg["segment"].unique()) <= {"recent", "old"}
    np.testing.assert_array_equal(seg["segment"] == "recent", seg["r_score"] >= 3)
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.rfm_segments(cdnow_split, table=table[:1])
    assert info.value.field == "rules"
    with pytest.raises(cvm.SerializationError):
        cvm.rfm_segments(cdnow_split, table=[{"name": "x"}])
    assert len(cvm.default_segment_table()) == 12


def test_version_matches_cargo():
    import pathlib
    import re

    cargo = (pathlib.Path(__file__).resolve().parents[2] / "Cargo.toml").read_text()
    assert cvm.__version__ == re.search(r'\nversion = "([^"]+)"', cargo).group(1)
