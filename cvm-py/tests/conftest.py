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
