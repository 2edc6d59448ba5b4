"""progress=True: the same values, bit for bit, computed in chunks behind a tqdm bar; errors name
their row in the whole input; a clear error without tqdm."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

import cvm
from cvm import _progress

BG = cvm.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426, time_unit="W")


class Bar:
    """A stand-in for tqdm that records what the bar was told."""

    bars: list = []

    def __init__(self, iterable=None, total=None, desc=None, unit=None, **_):
        self.iterable, self.total, self.desc, self.unit, self.updates = iterable, total, desc, unit, []
        Bar.bars.append(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __iter__(self):
        for item in self.iterable:
            yield item
            self.updates.append(1)

    def update(self, n):
        self.updates.append(n)


@pytest.fixture
def bar(monkeypatch):
    """Chunks of 10 rows, bars recorded."""
    monkeypatch.setattr(_progress, "MIN_ROWS", 10)
    monkeypatch.setattr(_progress, "STEPS", 1000)
    monkeypatch.setattr(_progress, "_tqdm", lambda: Bar)
    Bar.bars = []
    return Bar


@pytest.fixture(scope="module")
def fitted():
    summary = cvm.datasets.load_cdnow_summary_with_transactions().rename(
        columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"})
    bg = cvm.BetaGeo().fit(summary)
    repeat = summary[summary["frequency"] > 0]
    gg = cvm.GammaGamma().fit(repeat["frequency"], repeat["monetary_value"], time_unit="W")
    return bg, gg, summary.head(95)


def test_clv_with_intervals_is_the_same_in_chunks(fitted, bar):
    bg, gg, summary = fitted
    plain = cvm.customer_lifetime_value(bg, gg, summary, level=0.9)
    chunked = cvm.customer_lifetime_value(bg, gg, summary, level=0.9, progress=True)
    pd.testing.assert_frame_equal(chunked, plain, check_exact=True)
    (b,) = bar.bars
    assert (b.desc, b.total, b.updates) == ("customer_lifetime_value", 95, [10] * 9 + [5])


def test_predict_and_scores_are_the_same_in_chunks(fitted, bar):
    bg, _, summary = fitted
    pd.testing.assert_frame_equal(bg.predict(summary, t=39, level=0.9, progress=True),
                                  bg.predict(summary, t=39, level=0.9), check_exact=True)
    f, r, t = summary["frequency"], summary["recency"], summary["T"]
    pd.testing.assert_series_equal(bg.expected_purchases(39, f, r, t, progress=True), bg.expected_purchases(39, f, r, t),
                                   check_exact=True)
    pd.testing.assert_series_equal(bg.probability_alive(f, r, t, progress=True), bg.probability_alive(f, r, t),
                                   check_exact=True)
    assert [b.desc for b in bar.bars] == ["predict", "expected_purchases", "probability_alive"]
    assert all(sum(b.updates) == 95 and len(b.updates) == 10 for b in bar.bars)


def test_spend_is_the_same_in_chunks(fitted, bar):
    _, gg, summary = fitted
    f, z = summary["frequency"], summary["monetary_value"]
    pd.testing.assert_frame_equal(gg.conditional_expected_average_spend(f, z, level=0.9, progress=True),
                                  gg.conditional_expected_average_spend(f, z, level=0.9), check_exact=True)
    pd.testing.assert_series_equal(gg.conditional_expected_average_spend(f, z, progress=True),
                                   gg.conditional_expected_average_spend(f, z), check_exact=True)
    assert [len(b.updates) for b in bar.bars] == [10, 10]


def test_expected_cumulative_transactions_in_chunks_of_times(fitted, bar):
    bg, _, summary = fitted
    birth, times = 78.0 - summary["T"].to_numpy(), np.arange(1.0, 79.0)
    got = bg.expected_cumulative_transactions(birth, times, progress=True)
    np.testing.assert_array_equal(got, bg.expected_cumulative_transactions(birth, times))
    (b,) = bar.bars
    assert (b.total, b.unit, sum(b.updates), len(b.updates)) == (78, "time", 78, 10)  # 8 times a chunk


def test_expected_cumulative_transactions_from_a_log_counts_its_cuts(bar):
    log = cvm.datasets.load_cdnow_transactions()
    bg = cvm.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426, time_unit="W")
    args = (bg, log, "customer_id", "date")
    got = cvm.expected_cumulative_transactions(*args, t=20, freq="D", progress=True)
    pd.testing.assert_frame_equal(got, cvm.expected_cumulative_transactions(*args, t=20, freq="D"), check_exact=True)
    (b,) = bar.bars
    assert (b.unit, len(b.updates)) == ("cut", 20)


def test_a_bad_row_in_the_third_chunk_is_named_by_its_global_row(fitted, bar):
    bg, gg, summary = fitted
    bad = summary.copy()
    bad.iloc[25, bad.columns.get_loc("frequency")] = -1.0
    label = bad.index[25]
    for call in (lambda: cvm.customer_lifetime_value(bg, gg, bad, progress=True),
                 lambda: bg.predict(bad, t=39, progress=True),
                 lambda: bg.probability_alive(bad["frequency"], bad["recency"], bad["T"], progress=True)):
        with pytest.raises(cvm.InvalidValueError) as info:
            call()
        assert (info.value.field, info.value.index) == ("frequency", 25)
        assert str(info.value).startswith("`frequency`[25]: ")
        assert f"(index label {label!r})" in str(info.value)
    # the same error as without chunks
    with pytest.raises(cvm.InvalidValueError) as whole:
        bg.predict(bad, t=39)
    assert str(whole.value) == str(info.value)


def test_columns_of_different_lengths_are_reported_whole(bar):
    with pytest.raises(cvm.LengthMismatchError) as info:
        BG.probability_alive(np.ones(30), np.ones(30), np.full(25, 40.0), progress=True)
    assert (info.value.expected, info.value.got) == (30, 25)


def test_progress_without_tqdm_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    with pytest.raises(ImportError, match=r"pip install cvm\[progress\]"):
        BG.probability_alive([1.0], [2.0], [3.0], progress=True)
    assert BG.probability_alive([1.0], [2.0], [3.0]).shape == (1,)  # no bar, no tqdm needed


def test_the_real_bar_reaches_the_end(capsys):
    pytest.importorskip("tqdm")
    BG.probability_alive(np.ones(25_000), np.ones(25_000), np.full(25_000, 40.0), progress=True)
    err = capsys.readouterr().err
    assert "probability_alive" in err and "100%" in err


def test_chunk_rows():
    assert _progress.chunk_rows(5) == _progress.MIN_ROWS
    assert _progress.chunk_rows(10_000_000) == 100_000


def test_matrices_are_the_same_in_chunks(bar):
    for matrix in (lambda **kw: BG.frequency_recency_matrix(t=10, max_frequency=12, max_recency=20, **kw),
                   lambda **kw: cvm.probability_alive_matrix(BG, max_frequency=12, max_recency=20, **kw)):
        pd.testing.assert_frame_equal(matrix(progress=True), matrix(), check_exact=True)
    # the cells a summary can hold: frequency 0 at recency 0, and 12 × 20 with both positive
    assert [sum(b.updates) for b in bar.bars] == [241, 241]
    assert [len(b.updates) for b in bar.bars] == [25, 25]
