"""Per-customer results take the shape of their inputs: scalars give a Python float, sequences
and arrays an ndarray, pandas Series a Series on their index (the lifetimes convention)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cvm

BG = cvm.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
PNBD = cvm.ParetoNBD.from_params(r=0.553, alpha=10.578, s=0.606, beta=11.669)
GG = cvm.GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
BB = cvm.BetaGeoBetaBinom.from_params(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)

CASES = [
    (lambda *c: BG.probability_alive(*c), (2.0, 30.0, 38.0)),
    (lambda *c: BG.expected_purchases(39.0, *c), (2.0, 30.0, 38.0)),
    (lambda *c: BG.log_likelihood_individual(*c), (2.0, 30.0, 38.0)),
    (lambda *c: PNBD.discounted_expected_residual_transactions(*c, 0.0027), (2.0, 30.0, 38.0)),
    (lambda *c: GG.conditional_expected_average_spend(*c), (2.0, 22.35)),
    (lambda *c: GG.log_likelihood_individual(*c), (2.0, 22.35)),
    (lambda *c: BB.conditional_probability_alive(3, *c), (2.0, 4.0, 6.0)),
    (lambda *c: BB.conditional_expected_number_of_transactions(3, *c), (2.0, 4.0, 6.0)),
]


@pytest.mark.parametrize("call, row", CASES)
def test_scalar_array_and_series_inputs(call, row):
    one = call(*row)
    assert type(one) is float
    arrays = call(*[np.array([v, v]) for v in row])
    assert isinstance(arrays, np.ndarray) and arrays.shape == (2,)
    assert arrays.tolist() == [one, one]
    lists = call(*[[v] for v in row])
    assert isinstance(lists, np.ndarray) and lists.tolist() == [one]
    series = call(*[pd.Series([v, v], index=["x", "y"]) for v in row])
    assert isinstance(series, pd.Series) and list(series.index) == ["x", "y"]
    assert series.tolist() == [one, one]
    # A scalar beside an array broadcasts to the array's shape, never to a float.
    mixed = call(row[0], *[np.array([v]) for v in row[1:]])
    assert isinstance(mixed, np.ndarray) and mixed.tolist() == [one]


def _unaligned(values) -> np.ndarray:
    """A copy of ``values`` in memory one byte off the alignment of its type (as a column
    deserialised from a Dask shuffle or an Arrow buffer at an odd offset can be)."""
    a = np.asarray(values)
    buf = np.zeros(a.nbytes + 1, dtype=np.uint8)
    out = buf[1:].view(a.dtype)
    out[:] = a
    assert not out.flags.aligned and out.flags.c_contiguous
    return out


@pytest.mark.parametrize("call, row", CASES)
def test_unaligned_arrays_give_the_results_of_aligned_ones(call, row):
    # whole frequencies, recency below T: each column steps by 1, the last (T, periods or spend) by 2
    cols = [v + np.arange(7.0) * (2 if i == len(row) - 1 else 1) for i, v in enumerate(row)]
    np.testing.assert_array_equal(call(*[_unaligned(c) for c in cols]), call(*cols))


def test_an_unaligned_log_and_summary_give_the_aligned_results():
    n = 1000
    ids = np.arange(n, dtype=np.int64) % 97
    ts = np.datetime64("2024-01-01", "ns") + np.arange(n).astype("timedelta64[h]") * 17
    amount = np.arange(n) % 50 + 0.5
    frames = [pd.DataFrame({"id": i, "date": d, "amount": a}, copy=False)
              for i, d, a in ((ids, ts, amount), (_unaligned(ids), _unaligned(ts), _unaligned(amount)))]
    s, u = (cvm.summary_from_transactions(f, "id", "date", "amount", time_unit="D") for f in frames)
    pd.testing.assert_frame_equal(s, u)
    rep = u[u["frequency"] > 0]
    clv = [cvm.customer_lifetime_value(BG, GG, x, time_unit="D") for x in (rep, rep.apply(_unaligned))]
    pd.testing.assert_frame_equal(clv[0], clv[1])
