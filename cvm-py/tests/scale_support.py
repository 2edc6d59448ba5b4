"""Shared by the Dask and Spark tests: a seeded simulated transaction log, the rule set the tests
evaluate, the single-machine references, and the rule that a test cannot skip an engine it
cannot get (unless the stack says it goes without it: ``CVM_TEST_WITHOUT``)."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

import cvm

# A fit on unique rows with weights vs the one-machine fit on every customer.
FIT_TOL = 1e-10
# The same kernel on the same customers: partition-wise results are the one-machine values.
MAP_TOL = 1e-12

SUMMARY_ARGS = dict(customer_id_col="customer_id", datetime_col="date", monetary_value_col="amount")
CDNOW_OPTIONS = dict(calibration_period_end="1997-09-30", observation_period_end="1998-06-30", time_unit="W")
SIM_OPTIONS = dict(calibration_period_end="2024-10-01", time_unit="W")

RULES = {
    "version": 1,
    "criteria": [
        {"name": "repeat", "weight": 0.5, "condition": {"attr": "frequency", "op": ">=", "value": 2}},
        {"name": "recent", "weight": 0.5, "condition": {"attr": "recency", "op": ">=", "value": 20}},
    ],
    "hard": [{"name": "new", "condition": {"attr": "T", "op": "<", "value": 4}, "decision": "wait"}],
    "decisions": [{"decision": "grow", "min": 0.75}, {"decision": "keep", "min": 0.25, "max": 0.75},
                  {"decision": "let_go", "max": 0.25}],
}


def engine(name: str, module: str):
    """Import ``module`` for the ``name`` tests: missing, the tests fail, unless the environment
    variable ``CVM_TEST_WITHOUT`` (space separated) lists ``name``, which skips them by design."""
    if name in os.environ.get("CVM_TEST_WITHOUT", "").split():
        pytest.skip(f"this stack goes without the {name} extra (CVM_TEST_WITHOUT)", allow_module_level=True)
    try:
        return __import__(module, fromlist=["_"])
    except ImportError as err:
        pytest.fail(f"the {name} engine is not installed ({err}): pip install 'cvm[{name}]', "
                    "or list it in CVM_TEST_WITHOUT on a stack that goes without it", pytrace=False)


def simulated_log(n_customers: int, seed: int = 7) -> pd.DataFrame:
    """A transaction log of ``n_customers`` (about 2.4 transactions each) over 2024, sorted by
    time, so that a customer's transactions lie in different partitions of a split log. Ids are
    shuffled int64, amounts log-normal, times to the second."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2024-01-01T00:00:00", "s")
    year = 366 * 86_400
    birth = rng.integers(0, year // 2, n_customers)
    rate = rng.gamma(0.6, 1.0 / 0.6, n_customers) * 3.0  # repeat purchases a year while alive
    life = rng.exponential(240 * 86_400, n_customers)
    span = np.minimum(year - birth, life)
    repeats = rng.poisson(rate * span / year)
    owner = np.repeat(np.arange(n_customers), repeats)
    times = birth[owner] + (rng.random(len(owner)) * span[owner]).astype(np.int64)
    ids = rng.permutation(n_customers).astype(np.int64) * 7 + 1_000
    who = np.concatenate([np.arange(n_customers), owner])
    when = np.concatenate([birth, times])
    log = pd.DataFrame({
        "customer_id": ids[who],
        "date": start + when.astype("timedelta64[s]"),
        "amount": np.round(rng.lognormal(3.0, 0.6, len(who)), 2),
    })
    return log.sort_values("date", kind="stable").reset_index(drop=True)


def references(summary: pd.DataFrame) -> dict:
    """The one-machine results every engine is compared with."""
    bg = cvm.BetaGeo().fit(summary)
    gg = cvm.GammaGamma().fit(summary)
    return {
        "summary": summary,
        "bg": bg,
        "gg": gg,
        "predict": bg.predict(summary, 39.0),
        "clv": cvm.customer_lifetime_value(bg, gg, summary, horizon=12, time_unit="M", discount_rate=0.01),
        "stages": cvm.loyalty_stages(summary, None, bg, lapse_window=26),
        "churn": cvm.churn_risk(bg, summary, 39.0),
        "rules": cvm.SelectionRules.from_dict(RULES).evaluate(summary),
    }


def assert_params(model, reference, tol: float = FIT_TOL) -> None:
    for name, value in reference.params_.items():
        assert abs(model.params_[name] - value) <= tol * max(1.0, abs(value)), (name, model.params_[name], value)
    assert model.time_unit_ == reference.time_unit_


def assert_same(got: pd.DataFrame, want: pd.DataFrame, tol: float = MAP_TOL) -> None:
    """``got`` (any row order) equals ``want``: the same index, dtypes, and values (floats to
    ``tol`` relative)."""
    got = got.sort_index()
    assert list(got.columns) == list(want.columns)
    assert got.index.equals(want.index), "customers differ"
    for col in want.columns:
        g, w = got[col], want[col]
        if w.dtype.kind == "f":
            np.testing.assert_allclose(g.to_numpy(), w.to_numpy(), rtol=tol, atol=tol, err_msg=col)
        else:
            assert g.astype(object).tolist() == w.astype(object).tolist(), col


def write_parquet(log: pd.DataFrame, directory, parts: int):
    """``log`` as ``parts`` Parquet files in ``directory`` (consecutive rows: by time); returns
    the directory."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    for i, rows in enumerate(np.array_split(np.arange(len(log)), parts)):
        pq.write_table(pa.Table.from_pandas(log.iloc[rows], preserve_index=False), directory / f"part-{i:03d}.parquet")
    return directory


def doc_block(marker: str) -> str:
    """The Python block of docs/scale.md that contains ``marker``."""
    import pathlib
    import re

    text = (pathlib.Path(__file__).resolve().parents[2] / "docs" / "scale.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    (block,) = [b for b in blocks if marker in b]
    return block


def run_block(block: str, capsys) -> str:
    """Run a docs block; what it printed."""
    exec(compile(block, "docs/scale.md", "exec"), {"__name__": "docs_scale"})
    return capsys.readouterr().out


def entry_point(module, what: str, summary, ref: dict, reasons: bool):
    """One of the five partition-wise entry points of ``module`` (cvm.dask or cvm.spark) on
    ``summary``, with the reference models and the arguments :func:`references` used."""
    bg, gg = ref["bg"], ref["gg"]
    return {
        "predict": lambda: module.predict(bg, summary, 39.0),
        "clv": lambda: module.customer_lifetime_value(bg, gg, summary, horizon=12, time_unit="M", discount_rate=0.01),
        "stages": lambda: module.loyalty_stages(summary, bg, lapse_window=26),
        "churn": lambda: module.churn_risk(bg, summary, 39.0),
        "rules": lambda: module.evaluate(cvm.SelectionRules.from_dict(RULES), summary, reasons=reasons),
    }[what]()


def expected(ref: dict, what: str, reasons: bool) -> pd.DataFrame:
    """The one-machine result of :func:`entry_point` (the rules without reasons when asked)."""
    return ref[what] if reasons or what != "rules" else ref[what].drop(columns="reasons")
