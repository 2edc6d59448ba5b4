"""lifetimes' example data sets, read from the files shipped in ``cvm/data`` (sources and
attribution: ``cvm/data/README.md``; lifetimes' MIT licence: ``cvm/data/LICENSE_lifetimes.txt``).

Each loader passes ``**kwargs`` to :func:`pandas.read_csv`, as lifetimes does.
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

from ....exceptions import InvalidValueError

__all__ = [
    "load_cdnow_summary",
    "load_transaction_data",
    "load_cdnow_summary_data_with_monetary_value",
    "load_donations",
    "load_dataset",
]

#: The lifetimes data files cvm ships (lifetimes' ``CDNOW_master.txt``, 1.9 MB, is not shipped).
FILES = ("CDNOW_sample.txt", "cdnow_customers_summary.csv", "cdnow_customers_summary_with_transactions.csv",
         "donations.csv", "example_transactions.csv")


def load_dataset(filename, **kwargs):
    """Read one of the shipped data files with :func:`pandas.read_csv`.

    Raises
    ------
    cvm.InvalidValueError
        ``filename`` is not one of :data:`FILES` (the message lists them).

    Examples
    --------
    >>> from cvm.compat.lifetimes.datasets import load_dataset
    >>> load_dataset("donations.csv").shape
    (22, 4)
    """
    if filename not in FILES:
        raise InvalidValueError(f"`filename`: {filename!r} is not a shipped data set; expected one of "
                                + ", ".join(FILES), field="filename")
    with (resources.files("cvm") / "data" / filename).open("rb") as fh:
        return pd.read_csv(fh, **kwargs)


def load_donations(**kwargs):
    """The donations cohort (Fader, Hardie & Shang 2010), aggregated: ``frequency``, ``recency``,
    ``periods``, ``weights`` (22 histories, 11,104 donors)."""
    return load_dataset("donations.csv", **kwargs)


def load_cdnow_summary(**kwargs):
    """The CDNOW calibration summary (weeks): ``ID``, ``frequency``, ``recency``, ``T``
    (``index_col=[0]`` indexes it by ``ID``, as lifetimes' quickstart does)."""
    return load_dataset("cdnow_customers_summary.csv", **kwargs)


def load_transaction_data(**kwargs):
    """lifetimes' synthetic transaction log: ``date`` (text), ``id`` (15,273 rows, 2014)."""
    return load_dataset("example_transactions.csv", **kwargs)


def load_cdnow_summary_data_with_monetary_value(**kwargs):
    """The CDNOW summary with mean repeat spend, indexed by ``customer_id``: ``frequency``,
    ``recency``, ``T``, ``monetary_value``."""
    df = load_dataset("cdnow_customers_summary_with_transactions.csv", **kwargs)
    df.columns = ["customer_id", "frequency", "recency", "T", "monetary_value"]
    return df.set_index("customer_id")
