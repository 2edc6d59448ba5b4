"""The extension releases the GIL while it works: a pure-Python thread keeps counting while a long
native call runs. The native functions are called directly, so that no numpy or pandas step of
the Python layer (some release the GIL themselves) can make the test pass.

With a switch interval of 100 s the interpreter never takes the GIL from a thread that holds it:
the counting thread (which yields the GIL at each step) runs only while the main thread has
released it. So the count does not move during a call that keeps the GIL (the pure-Python control
below), and moves by thousands during one that releases it.
"""

from __future__ import annotations

import glob
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import cvm
from cvm import _cvm

N = 200_000
BG = cvm.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426, time_unit="W")
GG = cvm.GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44, time_unit="W")


def steps_during(call) -> int:
    """How many steps a pure-Python thread makes while ``call()`` runs in this thread."""
    count, stop, started = [0], threading.Event(), threading.Event()

    def counter():
        started.set()
        while not stop.is_set():
            count[0] += 1
            time.sleep(0)  # lets the main thread take the GIL back as soon as it wants it

    old = sys.getswitchinterval()
    sys.setswitchinterval(100.0)
    thread = threading.Thread(target=counter, daemon=True)
    try:
        thread.start()
        started.wait()
        before = count[0]
        call()
        after = count[0]
    finally:
        stop.set()
        thread.join()
        sys.setswitchinterval(old)
    return after - before


@pytest.fixture(scope="module")
def cohort():
    d = _cvm.simulate_model("bg_nbd", [0.243, 4.414, 0.793, 2.426], N, 39.0, 12.0, 39.0, 7)
    spend = np.where(d["frequency"] > 0, 20.0 + np.arange(N) % 50, 0.0)
    return d["frequency"], d["recency"], d["T"], d["birth"], spend


def steps_during_repeated(call, want: int = 100, max_calls: int = 20) -> int:
    """Steps counted over up to ``max_calls`` calls, stopping once ``want`` is reached: on a
    loaded machine the OS may not schedule the counting thread during one short call. A call
    that keeps the GIL still counts at most one step per call (the control below), so it stays
    far below ``want``."""
    total = 0
    for _ in range(max_calls):
        total += steps_during(call)
        if total >= want:
            break
    return total


def test_a_pure_python_call_keeps_the_gil():
    assert steps_during(lambda: sum(i * i for i in range(2_000_000))) <= 1


@pytest.mark.parametrize("name", ["predict", "clv", "spend", "correlation", "levels", "fit", "simulate", "cumulative",
                                  "summarize"])
def test_native_work_releases_the_gil(cohort, name):
    f, r, t, birth, spend = cohort
    m = BG._fitted
    calls = {
        "predict": lambda: m.probability_alive_and_expected_purchases(39.0, f, r, t),
        "clv": lambda: _cvm.customer_lifetime_value_native(m, GG._fitted, f, r, t, spend, 12.0, "M", "W"),
        "spend": lambda: GG._fitted.conditional_expected_average_spend(np.repeat(f, 5), np.repeat(spend, 5)),
        "correlation": lambda: _cvm.frequency_monetary_correlation(np.repeat(f, 10), np.repeat(spend, 10)),
        "levels": lambda: _cvm.loyalty_levels_native(np.repeat(spend, 5) / 10.0, np.repeat(spend, 5) / 10.0),
        "fit": lambda: _cvm.Model.fit("bg_nbd", f[:50_000], r[:50_000], t[:50_000]),
        "simulate": lambda: _cvm.simulate_model("bg_nbd", [0.243, 4.414, 0.793, 2.426], N, 39.0, 12.0, 39.0, 8),
        "cumulative": lambda: m.expected_cumulative_transactions(birth[:20_000], np.arange(1.0, 40.0)),
        "summarize": lambda: _cvm.summarize(np.repeat(np.arange(N, dtype=np.int64), 5),
                                            np.tile(np.arange(5, dtype=np.int64) * 86_400, N) + 10**9,
                                            timestamp_unit="s"),
    }
    assert steps_during_repeated(calls[name]) >= 100


def _parallel_work(f, r, t):
    """A scoring and a summary large enough to run on several threads, as arrays."""
    p, e = BG._fitted.probability_alive_and_expected_purchases(39.0, f, r, t)
    s, _, _ = _cvm.summarize(np.repeat(np.arange(N, dtype=np.int64), 5),
                             np.tile(np.arange(5, dtype=np.int64) * 86_400, N) + 10**9, timestamp_unit="s")
    return [np.asarray(p), np.asarray(e), s["customer_id"], s["frequency"], s["recency"], s["T"]]


def test_calls_from_other_threads_agree_with_calls_from_the_main_thread(cohort):
    # The main thread works in its own pool (it is one of the pool's threads); other threads use
    # the global pool, four of them at once here. Every result is the same, bit for bit.
    assert threading.current_thread() is threading.main_thread()
    f, r, t, _, _ = cohort
    main = _parallel_work(f, r, t)
    with ThreadPoolExecutor(4) as pool:
        others = list(pool.map(lambda _: _parallel_work(f, r, t), range(4)))
    for other in others:
        for a, b in zip(main, other):
            np.testing.assert_array_equal(a, b)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="thread names are read from /proc")
@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2 or os.environ.get("RAYON_NUM_THREADS", "") not in ("", "0"),
                    reason="one thread: the main thread's pool has no other worker")
def test_the_main_thread_is_one_of_its_pools_threads(cohort):
    # From the main thread the parallel work runs in a pool of which the caller is worker 0 and
    # the others are threads named cvm-1, cvm-2, ... (started by the first such call).
    f, r, t, _, _ = cohort
    _parallel_work(f, r, t)
    names = set()
    for comm in glob.glob("/proc/self/task/*/comm"):
        with open(comm) as fh:
            names.add(fh.read().strip())
    assert "cvm-1" in names, names
    assert "cvm-0" not in names  # worker 0 is the main thread itself
