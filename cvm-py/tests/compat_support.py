"""Shared set-up of the cvm.compat.lifetimes tests: lifetimes' committed reference numbers, the
CDNOW summary as lifetimes' quickstart loads it and the BG/NBD fitted on it."""

from __future__ import annotations

import json
import pathlib

import pytest

import cvm.compat.lifetimes as lifetimes
from cvm.compat.lifetimes.datasets import load_cdnow_summary

REF = json.loads((pathlib.Path(__file__).parent / "data" / "lifetimes_reference.json").read_text())


@pytest.fixture(scope="module")
def cdnow():
    return load_cdnow_summary(index_col=[0])


@pytest.fixture(scope="module")
def bgf(cdnow):
    return lifetimes.BetaGeoFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
