import pathlib

import pandas as pd
import pytest

import cvm

DATA = pathlib.Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="session")
def cdnow_log() -> pd.DataFrame:
    return cvm.datasets.load_cdnow_transactions()


@pytest.fixture(scope="session")
def cdnow_split(cdnow_log) -> pd.DataFrame:
    """The exact CDNOW calibration summary (weeks) with holdout columns."""
    return cvm.summary_from_transactions(
        cdnow_log,
        "customer_id",
        "date",
        "amount",
        observation_period_end="1998-06-30",
        calibration_period_end="1997-09-30",
        time_unit="W",
    )

# `typecheck/` holds files for mypy only (`make test-typing`): never imported by pytest, whose
# `--doctest-modules` would otherwise import them (they need typing_extensions, a dev-only pin).
collect_ignore = ["typecheck"]
