"""Bounded work from Python: models built from extreme but valid parameters (each at the edges
of the domain, 1e-10 and 1e10, and r = 1e8 with the CDNOW values) answer every prediction and
CLV within a time budget with finite values that keep the quantities' invariants (probabilities
in [0, 1], expectations >= 0 and nondecreasing in time and in the purchase rate r), or raise a
:class:`cvm.CvmError`. Never a hang, a NaN or an infinity, never another exception.

Each case runs in a worker subprocess (``python test_bounded.py serve``, one for the module,
replaced after a timeout), so a hang is a failing test, not a stuck suite; only the standard
library is needed for the timeout.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import queue
import subprocess
import sys
import threading
import time
from typing import Any, Optional

import pytest

# Seconds one case (a model and all its computations) may take in the worker. A fast case takes
# milliseconds; a case over budget is a finding.
BUDGET = float(os.environ.get("CVM_BOUNDED_BUDGET", "3"))
EDGES = (1e-10, 1e10)
NAMES = {
    "bg_nbd": ("r", "alpha", "a", "b"),
    "mbg_nbd": ("r", "alpha", "a", "b"),
    "pareto_nbd": ("r", "alpha", "s", "beta"),
    "gamma_gamma": ("p", "q", "gamma"),
    "bg_bb": ("alpha", "beta", "gamma", "delta"),
    "sbg": ("alpha", "beta"),
}
CDNOW = {
    "bg_nbd": (0.243, 4.414, 0.793, 2.426),
    "mbg_nbd": (0.243, 4.414, 0.793, 2.426),
    "pareto_nbd": (0.553, 10.58, 0.606, 11.67),
}

# Customers (frequency, recency, T, monetary value): a new one, a lapsed one, a regular one, a
# heavy one.
F = [0.0, 2.0, 10.0, 50.0]
R = [0.0, 10.0, 29.0, 100.0]
T = [30.0, 30.0, 30.0, 100.0]
Z = [0.0, 20.0, 35.0, 10.0]
# BG/BB histories (x, t_x, n).
BB = ([0.0, 1.0, 3.0, 6.0], [0.0, 2.0, 6.0, 6.0], [6.0, 6.0, 6.0, 6.0])


def _cases() -> list[tuple[str, dict]]:
    cases = []
    for kind, names in NAMES.items():
        for values in itertools.product(EDGES, repeat=len(names)):
            cases.append((kind, dict(zip(names, values))))
    for kind, values in CDNOW.items():
        base = dict(zip(NAMES[kind], values))
        cases += [(kind, dict(base, r=1e8)), (kind, dict(base, r=1e8, alpha=1e8)), (kind, dict(base, r=1e10, alpha=1e10))]
    return cases


def _case_id(kind: str, params: dict) -> str:
    return kind + ":" + ",".join(f"{k}={v:g}" for k, v in params.items())


# -- the worker (runs in the subprocess) --------------------------------------------------------


def _computations(kind: str, params: dict) -> dict:
    """Name → thunk of every computation of a case (run in the worker)."""
    import numpy as np
    import pandas as pd

    import cvm

    f, r, t, z = (np.array(v) for v in (F, R, T, Z))
    gg = cvm.GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44, time_unit="W")
    if kind in ("bg_nbd", "mbg_nbd", "pareto_nbd"):
        cls = {"bg_nbd": cvm.BetaGeo, "mbg_nbd": cvm.ModifiedBetaGeo, "pareto_nbd": cvm.ParetoNBD}[kind]
        m = cls.from_params(**params, time_unit="W")
        slower = params["r"] / 10 if params["r"] >= 1e-9 else None
        summary = pd.DataFrame({"frequency": f, "recency": r, "T": t, "monetary_value": z})
        out = {
            "probability_alive": lambda: m.probability_alive(f, r, t),
            "expected_purchases_1": lambda: m.expected_purchases(1.0, f, r, t),
            "expected_purchases_10": lambda: m.expected_purchases(10.0, f, r, t),
            "new_customer": lambda: m.expected_purchases_new_customer([1.0, 10.0, 100.0]),
            "probability_of_2": lambda: [m.probability_of_n_purchases(2, 10.0)],
            "clv": lambda: cvm.customer_lifetime_value(m, gg, summary, 12, "M", 0.01)["clv"],
        }
        if slower is not None:
            m10 = cls.from_params(**dict(params, r=slower), time_unit="W")
            out["new_customer_r_over_10"] = lambda: m10.expected_purchases_new_customer([1.0, 10.0, 100.0])
        return out
    if kind == "gamma_gamma":
        m = cvm.GammaGamma.from_params(**params)
        return {
            "expected_spend": lambda: m.conditional_expected_average_spend(f, z),
            "population_mean_spend": lambda: [m.population_mean_spend()],
        }
    if kind == "bg_bb":
        m = cvm.BetaGeoBetaBinom.from_params(**params)
        return {
            "probability_alive": lambda: m.conditional_probability_alive(5, *BB),
            "expected_transactions": lambda: m.conditional_expected_number_of_transactions(5, *BB),
            "new_customer": lambda: [m.expected_number_of_transactions_new_customer(n) for n in (1, 6, 60)],
            "probability_of_2": lambda: [m.probability_of_n_transactions(2, 6)],
        }
    m = cvm.ShiftedBetaGeo.from_params(**params)
    return {
        "survival": lambda: m.survival([0, 1, 12, 120]),
        "retention": lambda: m.retention_rate([1, 12, 120]),
        "derl": lambda: m.derl(0.1, [0, 7]),
        "lifetime_value": lambda: [m.expected_lifetime_value(1.0, 0.1)],
    }


def _run(kind: str, params: dict) -> dict:
    """Each computation's values, or the exception it raised (class, message, whether it is a
    CvmError)."""
    import numpy as np

    import cvm

    out = {}
    for name, thunk in _computations(kind, params).items():
        try:
            values = np.asarray(thunk(), dtype=float).ravel().tolist()
            out[name] = {"values": values}
        except BaseException as exc:  # noqa: BLE001 (PanicException is a BaseException)
            out[name] = {"error": type(exc).__name__, "message": str(exc)[:500], "cvm": isinstance(exc, cvm.CvmError)}
    return out


def serve() -> None:
    """Reads one JSON case per line from stdin, writes one JSON result per line."""
    import cvm  # noqa: F401 (imported before the first case: its time is not the case's)

    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        case = json.loads(line)
        print(json.dumps(_run(case["kind"], case["params"])), flush=True)


# -- the parent ---------------------------------------------------------------------------------


class _Worker:
    """A ``serve`` subprocess; ``ask`` returns its answer, or None after ``timeout`` seconds (the
    process is then killed; the next question starts a new one)."""

    def __init__(self) -> None:
        self.proc: Optional[subprocess.Popen] = None
        self.lines: "queue.Queue[Optional[str]]" = queue.Queue()

    def _start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "serve"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        self.lines = queue.Queue()
        threading.Thread(target=self._pump, args=(self.proc, self.lines), daemon=True).start()
        ready = self.lines.get(timeout=120)
        assert ready is not None and json.loads(ready) == {"ready": True}, ready

    @staticmethod
    def _pump(proc: subprocess.Popen, lines: "queue.Queue[Optional[str]]") -> None:
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    def ask(self, case: dict, timeout: float) -> tuple[Optional[dict], float]:
        if self.proc is None or self.proc.poll() is not None:
            self._start()
        start = time.perf_counter()
        self.proc.stdin.write(json.dumps(case) + "\n")
        self.proc.stdin.flush()
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            line = None
        elapsed = time.perf_counter() - start
        if line is None:
            self.close()
            return None, elapsed
        return json.loads(line), elapsed

    def close(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
            for pipe in (self.proc.stdin, self.proc.stdout):
                pipe.close()
            self.proc = None


@pytest.fixture(scope="module")
def worker():
    w = _Worker()
    yield w
    w.close()


def _params() -> list:
    out = []
    for kind, params in _cases():
        out.append(pytest.param(kind, params, id=_case_id(kind, params)))
    return out


def _check(kind: str, name: str, values: list[float], answers: dict) -> list[str]:
    """The invariants of one computation's values: finite, and in range."""
    problems = []
    if not all(math.isfinite(v) for v in values):
        return [f"{name}: not finite: {values}"]
    probability = name.startswith(("probability", "survival", "retention"))
    if probability and not all(0.0 <= v <= 1.0 for v in values):
        problems.append(f"{name}: outside [0, 1]: {values}")
    if not probability and not all(v >= 0.0 for v in values):
        problems.append(f"{name}: negative: {values}")
    if name in ("new_customer", "new_customer_r_over_10") and any(b < a * (1 - 1e-9) for a, b in zip(values, values[1:])):
        problems.append(f"{name}: decreases with t: {values}")
    if name == "expected_purchases_10":
        shorter = answers.get("expected_purchases_1", {}).get("values")
        if shorter and any(b < a * (1 - 1e-9) - 1e-12 for a, b in zip(shorter, values)):
            problems.append(f"expected purchases in 10 periods {values} < in 1 period {shorter}")
    if name == "new_customer" and "values" in answers.get("new_customer_r_over_10", {}):
        # A higher purchase rate (r up, alpha fixed) never means fewer expected purchases.
        slower = answers["new_customer_r_over_10"]["values"]
        if any(v < s * (1 - 1e-6) - 1e-12 for v, s in zip(values, slower)):
            problems.append(f"new customer: {values} at r, fewer than {slower} at r/10")
    if kind == "sbg" and name == "survival" and values[0] != 1.0:
        problems.append(f"S(0) = {values[0]}, not 1")
    return problems


@pytest.mark.parametrize("kind, params", _params())
def test_extreme_parameters_answer_in_bounded_work(worker, kind, params):
    answers, elapsed = worker.ask({"kind": kind, "params": params}, timeout=BUDGET)
    assert answers is not None, f"no answer within {BUDGET:g} s"
    problems = []
    for name, answer in answers.items():
        if "error" in answer:
            if not answer["cvm"]:
                problems.append(f"{name}: {answer['error']} (not a cvm.CvmError): {answer['message']}")
            continue
        problems += _check(kind, name, answer["values"], answers)
    assert not problems, "\n".join(problems)


def test_the_grid_covers_every_model_at_both_edges():
    ids = [_case_id(k, p) for k, p in _cases()]
    assert len(ids) == len(set(ids)) == 16 * 4 + 8 + 4 + 3 * 3
    # The cases that were slow and wrong before the BG-family quadrature (bg_family.rs).
    for kind in ("bg_nbd", "mbg_nbd"):
        assert f"{kind}:r=1e+08,alpha=4.414,a=0.793,b=2.426" in ids
        assert f"{kind}:r=1e+10,alpha=1e-10,a=1e+10,b=1e+10" in ids


if __name__ == "__main__" and sys.argv[1:] == ["serve"]:
    serve()
