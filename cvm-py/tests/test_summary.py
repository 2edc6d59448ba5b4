"""Customer summary, compression and RFM from Python: CDNOW golden checks and bad input."""

import importlib

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


def test_text_ids_left_out_by_the_calibration_end_take_their_labels_with_them():
    # "c" buys first after the calibration end: the summary has a, b, d and their own labels
    log = pd.DataFrame(
        {
            "id": pd.Series(["b", "a", "c", "b", "d"], dtype=object),
            "t": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-02-10", "2024-01-20", "2024-01-05"]),
            "a": [1.0, 2.0, 3.0, 4.0, 5.0],
        }
    )
    s = cvm.summary_from_transactions(
        log, "id", "t", "a", calibration_period_end="2024-01-10", observation_period_end="2024-03-01"
    )
    assert s.index.tolist() == ["a", "b", "d"] and s.index.dtype == object
    assert s.attrs["excluded_customers"] == 1
    assert s["frequency_holdout"].tolist() == [0.0, 1.0, 0.0]
    full = cvm.summary_from_transactions(log, "id", "t", "a", observation_period_end="2024-03-01")
    assert full.index.tolist() == ["a", "b", "c", "d"]


def _factorized_reference(log, ids):
    """The summary of ``log`` with ``ids`` as customer ids, computed on pandas.factorize(sort=True)
    codes and relabelled: what every kind of id column must give."""
    codes, uniques = pd.factorize(ids, sort=True)
    ref = cvm.summary_from_transactions(log.assign(id=codes), "id", "t", "a", observation_period_end="2024-03-01")
    ref.index = uniques.take(ref.index.to_numpy()).rename("id")
    return ref


@pytest.mark.parametrize(
    "kind", ["text", "text with unicode", "categorical", "unsorted categories", "mixed objects", "labelled index"]
)
def test_id_kinds_match_factorized_ids(kind):
    rng = np.random.default_rng(3)
    n = 400
    raw = rng.integers(0, 60, n)
    log = pd.DataFrame(
        {"t": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 60, n), unit="D"), "a": rng.random(n) + 0.5}
    )
    if kind == "text":
        ids = pd.Series([f"c{v}" for v in raw], dtype=object)  # "c10" < "c2": text order
    elif kind == "text with unicode":
        ids = pd.Series([["é", "z", "Z", "ab", "a", "日本", "\U0001f600"][v % 7] + str(v) for v in raw], dtype=object)
    elif kind == "categorical":
        ids = pd.Series(pd.Categorical([f"c{v}" for v in raw]))
    elif kind == "unsorted categories":
        cats = [f"c{v}" for v in range(70)][::-1]  # reversed, with unused categories
        ids = pd.Series(pd.Categorical([f"c{v}" for v in raw], categories=cats))
    elif kind == "mixed objects":
        ids = pd.Series([f"c{v}" if v % 2 else int(v) * 1.5 for v in raw], dtype=object)  # numbers first
    else:
        ids = pd.Series(raw)
        log.index = pd.Index(rng.permutation(n) + 10_000)
    ids.index = log.index
    log["id"] = ids
    s = cvm.summary_from_transactions(log, "id", "t", "a", observation_period_end="2024-03-01")
    pd.testing.assert_frame_equal(s, _factorized_reference(log.reset_index(drop=True), ids.reset_index(drop=True)),
                                  check_exact=True, check_index_type=True)


@pytest.mark.parametrize(
    "n, customers, name",
    [(100_000, 20_000, "customer-{}"), (200_000, 100_000, "CUSTOMER-ACCOUNT-{}"), (200_000, 100_000, "CUSTOMER-{}é")],
)
def test_text_ids_on_the_sharded_path_match_factorized_ids(n, customers, name):
    # 100,000 rows and more: the core hashes the ids in shards and summarises each shard's
    # customers; ids sharing their first 8 or 16 bytes are sorted a word at a time (from 65,536
    # distinct ids on the thread pool)
    rng = np.random.default_rng(11)
    raw = rng.integers(0, customers, n)
    log = pd.DataFrame(
        {"t": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 60, n), unit="D"), "a": rng.random(n) + 0.5}
    )
    ids = pd.Series([name.format(v) for v in raw], dtype=object)
    log["id"] = ids
    s = cvm.summary_from_transactions(log, "id", "t", "a", observation_period_end="2024-03-01")
    pd.testing.assert_frame_equal(s, _factorized_reference(log, ids), check_exact=True, check_index_type=True)


def _string_column(kind, values):
    """``values`` (str) as a column of string dtype ``kind``; skips when this pandas or pyarrow
    has no such dtype."""
    if kind == "string[python]":
        return pd.Series(values, dtype="string[python]")
    pa = pytest.importorskip("pyarrow")
    if kind == "string[pyarrow]":
        return pd.Series(values, dtype="string[pyarrow]")
    if not hasattr(pd, "ArrowDtype"):
        pytest.skip("no pd.ArrowDtype")
    if kind == "arrow string, sliced":
        # one chunk whose buffers start three ids before its first row
        whole = pa.chunked_array([["x", "yy", "zzz"] + values], type=pa.large_string()).slice(3)
        return pd.Series(pd.arrays.ArrowExtensionArray(whole))
    if kind == "arrow string, chunked":
        return pd.Series(pd.arrays.ArrowExtensionArray(pa.chunked_array([values[:100], values[100:]], type=pa.string())))
    return pd.Series(values, dtype=pd.ArrowDtype(pa.large_string() if kind == "arrow large_string" else pa.string()))


@pytest.mark.parametrize(
    "kind",
    ["string[python]", "string[pyarrow]", "arrow string", "arrow large_string", "arrow string, sliced", "arrow string, chunked"],
)
@pytest.mark.parametrize("n", [400, 120_000])
def test_string_dtype_ids_match_factorized_ids(kind, n):
    # pandas string columns: stored as objects (read as an object column) or in Arrow (the core
    # reads the column's offsets and bytes); the labels keep the column's dtype, as factorize does
    rng = np.random.default_rng(5)
    raw = rng.integers(0, n // 4, n)
    log = pd.DataFrame(
        {"t": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 60, n), unit="D"), "a": rng.random(n) + 0.5}
    )
    ids = _string_column(kind, [["é", "z", "Z", "ab", "日本"][v % 5] + str(v) for v in raw])
    log["id"] = ids
    s = cvm.summary_from_transactions(log, "id", "t", "a", observation_period_end="2024-03-01")
    assert s.index.dtype == ids.dtype
    pd.testing.assert_frame_equal(s, _factorized_reference(log, ids), check_exact=True, check_index_type=True)
    missing = ids.copy()
    missing[n // 2] = None
    with pytest.raises(cvm.InvalidValueError, match="missing customer id") as e:
        cvm.summary_from_transactions(log.assign(id=missing), "id", "t", "a")
    assert (e.value.field, e.value.index) == ("id", n // 2)


def _text_id_log(seed: int, n: int, customers: int, days: int, form: str) -> pd.DataFrame:
    """A log of ``n`` rows of text ids ``form.format(k)`` (``object``) for up to ``customers``
    customers over ``days`` days from 2024-01-01, with positive amounts."""
    rng = np.random.default_rng(seed)
    raw = rng.integers(0, customers, n)
    return pd.DataFrame(
        {
            "id": pd.Series([form.format(v) for v in raw], dtype=object),
            "t": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, days, n), unit="D"),
            "a": rng.random(n) + 0.5,
        }
    )


@pytest.mark.parametrize("large", [False, True])
def test_pyarrow_table_string_ids_are_read_from_their_buffers(large, monkeypatch):
    # the id column is read where it lies (never converted to pandas), in several chunks; the
    # summary and its index as from the same log in pandas
    pa = pytest.importorskip("pyarrow")
    log = _text_id_log(8, 90_000, 20_000, 90, "k{}ß")
    kind = pa.large_string() if large else pa.string()
    ids = pa.chunked_array([pa.array(log["id"][:40_000].tolist(), kind), pa.array(log["id"][40_000:].tolist(), kind)])
    table = pa.table({"id": ids, "t": pa.array(log["t"]), "a": pa.array(log["a"])})
    end = "2024-04-01"
    convert = importlib.import_module("cvm._convert")
    frame, converted = convert.frame, []
    via_pandas = cvm.summary_from_transactions(frame(table, "df"), "id", "t", "a", observation_period_end=end)

    def spy(df, field):
        converted.append(df.column_names)
        return frame(df, field)

    monkeypatch.setattr(convert, "frame", spy)
    s = cvm.summary_from_transactions(table, "id", "t", "a", observation_period_end=end)
    assert converted == [["t", "a"]]
    assert s.index.dtype == via_pandas.index.dtype
    pd.testing.assert_frame_equal(s, via_pandas, check_exact=True)
    ref = cvm.summary_from_transactions(log, "id", "t", "a", observation_period_end=end)
    pd.testing.assert_frame_equal(s, ref, check_exact=True, check_index_type=False)
    # a missing id: the general path, which names its row
    holes = pa.chunked_array([ids.chunk(0), pa.array([None] + log["id"][40_001:].tolist(), kind)])
    with pytest.raises(cvm.InvalidValueError, match="missing customer id") as e:
        cvm.summary_from_transactions(table.set_column(0, "id", holes), "id", "t", "a", observation_period_end=end)
    assert (e.value.field, e.value.index) == ("id", 40_000)


@pytest.mark.parametrize("lazy", [False, True])
@pytest.mark.parametrize("with_pyarrow", [True, False])
def test_polars_string_ids_are_read_from_their_arrow_buffers(lazy, with_pyarrow, monkeypatch):
    # without pyarrow (polars hands its columns over through it) the ids take the general path
    pl = pytest.importorskip("polars")
    if with_pyarrow:
        pytest.importorskip("pyarrow")
    else:
        monkeypatch.setattr(importlib.import_module("cvm.summary"), "_pyarrow", lambda: None)
    log = _text_id_log(6, 100_000, 30_000, 60, "c{}é")
    ref = cvm.summary_from_transactions(log, "id", "t", "a", observation_period_end="2024-03-01")
    frame = pl.from_pandas(log)
    s = cvm.summary_from_transactions(frame.lazy() if lazy else frame, "id", "t", "a", observation_period_end="2024-03-01")
    # the labels as polars' own conversion gives them (object, or str on pandas 3)
    assert s.index.dtype == pd.Index(frame.get_column("id").head(3).to_numpy()).dtype
    pd.testing.assert_frame_equal(s, ref, check_exact=True, check_index_type=False)
    assert s.index.tolist() == ref.index.tolist()
    with pytest.raises(cvm.InvalidValueError, match="missing customer id") as e:
        missing = frame.with_columns(pl.when(pl.int_range(pl.len()) == 7).then(None).otherwise(pl.col("id")).alias("id"))
        cvm.summary_from_transactions(missing, "id", "t", "a")
    assert e.value.index == 7


def test_text_ids_whose_amounts_overflow_are_named_by_id():
    log = pd.DataFrame(
        {
            "id": pd.Series(["small", "big", "big", "big"], dtype=object),
            "t": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"]),
            "a": [1.0, 1.0, 1.7e308, 1.7e308],
        }
    )
    with pytest.raises(cvm.InvalidValueError, match='customer "big" \\(first row 1\\)') as e:
        cvm.summary_from_transactions(log, "id", "t", "a")
    assert (e.value.field, e.value.index) == ("a", 1)


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


def test_negative_amounts_are_an_error_unless_netted():
    log = pd.DataFrame({"id": [1, 1, 1], "t": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]), "a": [10.0, -4.0, 6.0]})
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.summary_from_transactions(log, "id", "t", "a")
    assert (info.value.field, info.value.index) == ("a", 1)
    assert "negative_amounts" in str(info.value)
    net = cvm.summary_from_transactions(log, "id", "t", "a", negative_amounts="net")
    assert net["monetary_value"].tolist() == [1.0]
    with pytest.raises(cvm.UnknownNameError):
        cvm.summary_from_transactions(log, "id", "t", "a", negative_amounts="ignore")


PANDAS_2 = int(pd.__version__.split(".")[0]) >= 2
# pandas 1.5 stores every datetime column in nanoseconds (1677-09-21..2262-04-11); other
# resolutions, and dates beyond that range, exist from pandas 2.0 (docs/python-stacks.md).
needs_pandas_2 = pytest.mark.skipif(not PANDAS_2, reason="pandas < 2 holds datetimes in ns only")


@pytest.mark.parametrize("resolution", ["s", "ms", "us", "ns"])
def test_datetime64_columns_are_read_at_their_resolution(resolution):
    if resolution != "ns" and not PANDAS_2:
        pytest.skip("pandas < 2 holds datetimes in ns only")
    t = pd.to_datetime(["2024-01-01", "2024-01-15", "2024-01-03"])
    if PANDAS_2:
        t = t.as_unit(resolution)
    log = pd.DataFrame({"id": [1, 1, 2], "t": t})
    s = cvm.summary_from_transactions(log, "id", "t", observation_period_end="2024-01-29")
    assert s["T"].tolist() == [28.0, 26.0]
    assert s.attrs["time_unit"] == "D"


@needs_pandas_2
def test_dates_far_from_1970_with_second_resolution():
    t = np.array(["1500-01-01", "1500-01-08", "9999-12-30"], dtype="datetime64[s]")
    log = pd.DataFrame({"id": [1, 1, 2], "t": t})
    s = cvm.summary_from_transactions(log, "id", "t", time_unit="W")
    assert s.loc[1, "recency"] == 1.0


def test_tz_aware_columns_use_utc_days():
    t = pd.to_datetime(["2024-01-01 23:30", "2024-01-02 00:30", "2024-01-05 12:00"]).tz_localize("Europe/Berlin")
    log = pd.DataFrame({"id": [1, 1, 2], "t": t})
    s = cvm.summary_from_transactions(log, "id", "t")
    # 23:30 and 00:30 Berlin are 22:30 and 23:30 UTC on Jan 1: one UTC day, a single period.
    assert s["frequency"].tolist() == [0.0, 0.0]
    assert s["T"].tolist() == [4.0, 0.0]
    # A tz-aware end is converted the same way.
    end = pd.Timestamp("2024-01-06 00:30", tz="Europe/Berlin")
    assert cvm.summary_from_transactions(log, "id", "t", observation_period_end=end)["T"].tolist() == [4.0, 0.0]


def test_integer_timestamps_need_a_unit_or_format():
    log = pd.DataFrame({"id": [1, 1, 2], "day": [20240101, 20240115, 20240103]})
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.summary_from_transactions(log, "id", "day")
    assert info.value.field == "day"
    assert "timestamp_unit" in str(info.value) and "datetime_format" in str(info.value)
    s = cvm.summary_from_transactions(log, "id", "day", datetime_format="%Y%m%d", observation_period_end=20240129)
    assert s["T"].tolist() == [28.0, 26.0]
    # Day numbers with their unit.
    days = pd.DataFrame({"id": [1, 1, 2], "day": [19723, 19737, 19725]})
    s = cvm.summary_from_transactions(days, "id", "day", timestamp_unit="D", observation_period_end="2024-01-29")
    assert s["T"].tolist() == [28.0, 26.0]
    # The wrong unit is caught: every T = 0 from distinct timestamps.
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.summary_from_transactions(days, "id", "day", timestamp_unit="ns")
    assert info.value.field == "timestamp_unit"
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.summary_from_transactions(days, "id", "day", timestamp_unit="D", observation_period_end=20240129)
    assert info.value.field == "observation_period_end" or info.value.field == "day"
    with pytest.raises(cvm.UnknownNameError):
        cvm.summary_from_transactions(days, "id", "day", timestamp_unit="days")


def test_attrs_survive_common_operations(cdnow_split):
    s = cdnow_split
    assert s.attrs["time_unit"] == "W"
    assert s[["frequency", "recency", "T"]].attrs["time_unit"] == "W"
    assert s.copy().attrs["time_unit"] == "W"
    assert s[s["frequency"] > 0].attrs["time_unit"] == "W"
    assert s.loc[s.index[:10]].attrs["time_unit"] == "W"
    assert cvm.datasets.load_cdnow_summary().attrs["time_unit"] == "W"
    assert cvm.datasets.load_cdnow_summary_with_transactions().attrs["time_unit"] == "W"
    log = pd.DataFrame({"id": [1, 1], "t": pd.to_datetime(["2024-01-01", "2024-01-15"])})
    assert cvm.summary_from_transactions(log, "id", "t", freq_multiplier=2).attrs["time_unit"] is None


def test_missing_column_lists_the_columns():
    log = pd.DataFrame({"id": [1], "t": pd.to_datetime(["2024-01-01"])})
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.summary_from_transactions(log, "id", "T")
    assert info.value.field == "T" and "'id', 't'" in str(info.value)


def test_non_numeric_amount_names_row_and_value():
    log = pd.DataFrame({"id": [1, 1], "t": pd.to_datetime(["2024-01-01", "2024-01-02"]), "a": ["1.5", "ten"]})
    with pytest.raises(cvm.InvalidValueError) as info:
        cvm.summary_from_transactions(log, "id", "t", "a")
    assert (info.value.field, info.value.index) == ("a", 1) and "'ten'" in str(info.value)


def test_catalogue_summary():
    from catalogue_summary import CASES

    for name, call, exc, field, index, message in CASES:
        with pytest.raises(exc) as info:
            call()
        assert (info.value.field, info.value.index) == (field, index), name
        assert message in str(info.value), (name, str(info.value))


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
        cvm._cvm.summarize(np.array([1, 2], dtype=np.int64), np.array([1], dtype=np.int64), timestamp_unit="ns")
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


def test_native_text_offsets_are_checked():
    # ids as Arrow lays them out, given directly to the native function: offsets that are
    # negative, decrease or point past the bytes are errors naming the row
    data = np.frombuffer(b"abcab", dtype=np.uint8)
    ts = np.array([0, 86_400], dtype=np.int64)
    for offsets, field, row in (([-1, 2, 5], "customer_id", 0), ([0, 3, 2], "offsets", 1), ([0, 3, 9], "offsets", 1)):
        with pytest.raises(cvm.InvalidValueError) as e:
            cvm._cvm.summarize((np.array(offsets, dtype=np.int64), data), ts, timestamp_unit="s")
        assert (e.value.field, e.value.index) == (field, row)
    # many offsets (read on the thread pool), two negative: the first is named
    many = np.arange(100_001, dtype=np.int64)
    many[[70_000, 90_000]] = -5
    days = np.zeros(100_000, dtype=np.int64)
    with pytest.raises(cvm.InvalidValueError) as e:
        cvm._cvm.summarize((many, np.zeros(100_000, dtype=np.uint8)), days, timestamp_unit="s")
    assert (e.value.field, e.value.index) == ("customer_id", 70_000) and "negative offset -5" in str(e.value)
    out, first_row, _ = cvm._cvm.summarize((np.array([0, 3, 5], dtype=np.int64), data), ts, timestamp_unit="s")
    assert first_row.tolist() == [1, 0] and out["customer_id"].tolist() == [0, 1]  # "ab" (row 1) < "abc" (row 0)
