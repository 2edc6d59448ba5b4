"""Shared set-up of the plotting tests: matplotlib headless (Agg; the tests are skipped where
matplotlib is not installed), every figure closed after each test, the CDNOW BG/NBD fit once."""

from __future__ import annotations

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import cvm  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def bg(cdnow_split):
    """BG/NBD fitted on the CDNOW calibration summary (weeks)."""
    return cvm.BetaGeo().fit(cdnow_split)


def heights(container) -> np.ndarray:
    """The heights of a bar container, in drawing order."""
    return np.array([b.get_height() for b in container])
