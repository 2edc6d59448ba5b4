"""Type-checked, never run: `make test-typing` runs `mypy --strict` on this file. Each
`assert_type` fails the check if cvm's annotations drift (e.g. `fit` returning `Any` again)."""

from __future__ import annotations

from typing import Optional

import numpy as np
import pandas as pd
from typing_extensions import assert_type

import cvm


def check(summary: pd.DataFrame, profit: pd.Series, log: pd.DataFrame) -> None:
    bg = cvm.BetaGeo().fit(summary)
    assert_type(bg, cvm.BetaGeo)
    assert_type(cvm.ParetoNBD().fit(summary["frequency"], summary["recency"], summary["T"]), cvm.ParetoNBD)
    assert_type(cvm.BetaGeo.from_params(r=0.2, alpha=4.0, a=0.8, b=2.4), cvm.BetaGeo)
    assert_type(bg.with_time_unit("W"), cvm.BetaGeo)
    assert_type(cvm.BetaGeo.from_json(bg.to_json()), cvm.BetaGeo)
    gg = cvm.GammaGamma().fit(summary["frequency"], summary["monetary_value"])
    assert_type(gg, cvm.GammaGamma)
    assert_type(cvm.ShiftedBetaGeo().fit_cohort([1000, 800, 650]), cvm.ShiftedBetaGeo)
    assert_type(bg.log_likelihood_, Optional[float])

    w = cvm.whale_curve(profit)
    assert_type(w.total, float)
    assert_type(w.peak_rank, int)
    assert_type(w.gini, Optional[float])

    # the keyword options the Python layer adds
    assert_type(bg.predict(summary, t=39, level=0.9, progress=True), pd.DataFrame)
    bg.predict(summary, t=39, output="polars")
    cvm.customer_lifetime_value(bg, gg, summary, progress=True, output="polars")
    cvm.summary_from_transactions(log, "customer_id", "date", output="polars")
    assert_type(bg.expected_cumulative_transactions(np.zeros(3), np.arange(1.0, 4.0), progress=True), np.ndarray)
    bg.frequency_recency_matrix(t=10, max_frequency=5, max_recency=10, progress=True)
