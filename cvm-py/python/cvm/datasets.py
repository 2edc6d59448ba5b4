"""The data sets shipped with cvm (see ``data/README.md`` for sources and attribution).

* CDNOW: Fader, Hardie & Lee (2005), the 1/10 sample of the CDNOW cohort (2,357 customers,
  1997-01-01 … 1998-06-30), distributed by Bruce Hardie.
* Donations: Fader, Hardie & Shang (2010), a non-profit's 1995 donor cohort (11,104 donors).
* Retention: Fader & Hardie (2007), "How to Project Customer Retention", Table 1.
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

__all__ = [
    "load_cdnow_transactions",
    "load_cdnow_summary",
    "load_cdnow_summary_with_transactions",
    "load_donations",
    "load_retention_survival",
]


def _path(name: str):
    return resources.files("cvm") / "data" / name


def load_cdnow_transactions() -> pd.DataFrame:
    """The CDNOW sample transaction log: 6,919 rows, 2,357 customers.

    Columns ``customer_id`` (1…2357, the id of the summaries), ``master_id``, ``date``
    (datetime64), ``cds`` (number of CDs) and ``amount`` (USD).

    Examples
    --------
    >>> import cvm
    >>> log = cvm.datasets.load_cdnow_transactions()
    >>> len(log), log["customer_id"].nunique()
    (6919, 2357)
    """
    with _path("CDNOW_sample.txt").open("r") as fh:
        frame = pd.read_csv(
            fh,
            sep=r"\s+",
            header=None,
            names=["master_id", "customer_id", "date", "cds", "amount"],
            dtype={"master_id": "int64", "customer_id": "int64", "date": "str", "cds": "int64", "amount": "float64"},
        )
    frame["date"] = pd.to_datetime(frame["date"], format="%Y%m%d")
    return frame[["customer_id", "master_id", "date", "cds", "amount"]]


def load_cdnow_summary() -> pd.DataFrame:
    """The standard CDNOW calibration summary (weeks, 2 decimals), indexed by ``ID``.

    Columns ``frequency``, ``recency``, ``T``; calibration ends 1997-09-30.
    ``attrs["time_unit"]`` is ``"W"``.

    Examples
    --------
    >>> import cvm
    >>> cvm.datasets.load_cdnow_summary().attrs["time_unit"]
    'W'
    """
    with _path("cdnow_customers_summary.csv").open("r") as fh:
        frame = pd.read_csv(fh, index_col="ID")
    frame.attrs["time_unit"] = "W"
    return frame


def load_cdnow_summary_with_transactions() -> pd.DataFrame:
    """The CDNOW summary with mean repeat spend: columns ``x``, ``t_x``, ``T``, ``zbar``
    (weeks: ``attrs["time_unit"]`` is ``"W"``)."""
    with _path("cdnow_customers_summary_with_transactions.csv").open("r") as fh:
        frame = pd.read_csv(fh, index_col="ID")
    frame.attrs["time_unit"] = "W"
    return frame


def load_donations() -> pd.DataFrame:
    """Donations (discrete time, 6 opportunities), aggregated: ``frequency``, ``recency``,
    ``periods``, ``weights`` (22 patterns, 11,104 donors)."""
    with _path("donations.csv").open("r") as fh:
        return pd.read_csv(fh)


def load_retention_survival() -> pd.DataFrame:
    """Percentage of a cohort still subscribed at the start of years 0–12, two segments."""
    with _path("sbg_retention_survival.csv").open("r") as fh:
        return pd.read_csv(fh)
