"""Transaction log → customer summary, compression and RFM segments."""

from __future__ import annotations

import json
from typing import Any, Optional

import numpy as np
import pandas as pd

from . import _convert
from . import _cvm

__all__ = ["summary_from_transactions", "compress", "rfm_segments", "default_segment_table"]


def summary_from_transactions(
    df: Any,
    customer_id_col: str,
    datetime_col: str,
    monetary_value_col: Optional[str] = None,
    observation_period_end: Any = None,
    calibration_period_end: Any = None,
    freq: str = "D",
    freq_multiplier: int = 1,
    time_unit: Optional[str] = None,
    include_first_purchase: bool = False,
) -> pd.DataFrame:
    """Customer summary (frequency, recency, T, monetary value) of a transaction log.

    Transactions of a customer within the same period (``freq`` × ``freq_multiplier``) merge into
    one; ``frequency`` counts the *repeat* purchase periods (the first is not counted);
    ``recency`` is the age at the last purchase period (0 without repeats) and ``T`` the age at the
    end of observation, both measured from the start of the first purchase period. By default ages
    are counted in periods; with ``time_unit`` they are calendar days divided by the unit's length
    (D = 1, W = 7, M = 365.25/12, Y = 365.25 days). ``monetary_value`` is the mean amount of the
    repeat purchase periods (0 without repeats). Negative amounts (returns) are allowed.

    Parameters
    ----------
    df : pandas.DataFrame or polars.DataFrame
        The transaction log, one row per transaction.
    customer_id_col, datetime_col : str
        Columns holding the customer id and the transaction time (datetimes or parseable strings).
    monetary_value_col : str, optional
        Column of amounts; adds ``monetary_value`` (and ``monetary_value_holdout``).
    observation_period_end : date-like, optional
        End of observation; default the last transaction. A later transaction is an error.
    calibration_period_end : date-like, optional
        End of calibration: the summary describes the calibration period and adds
        ``frequency_holdout``, ``monetary_value_holdout``, ``duration_holdout`` for
        ``(calibration_period_end, observation_period_end]``. Customers whose first purchase is
        later are left out; their number is in ``result.attrs["excluded_customers"]``.
    freq : {"D", "W", "M", "Y"}
        Calendar day, ISO week (Monday–Sunday), calendar month or year.
    freq_multiplier : int
        Number of ``freq`` units per period.
    time_unit : {"D", "W", "M", "Y"}, optional
        Unit of recency and T (default: the period).
    include_first_purchase : bool
        Include the first purchase period in ``monetary_value``.

    Returns
    -------
    pandas.DataFrame
        Indexed by customer id (ascending), columns ``frequency``, ``recency``, ``T`` and, when
        requested, ``monetary_value`` and the holdout columns.

    Raises
    ------
    InvalidInputError
        Empty log, missing ids or timestamps, unparseable timestamps, NaN/inf amounts,
        transactions after the observation end, calibration end after observation end, unknown
        ``freq``; ``field`` and ``index`` (row position) locate the problem.

    Examples
    --------
    >>> import pandas as pd, cvm
    >>> log = pd.DataFrame({"id": [1, 1, 2], "date": ["2024-01-01", "2024-01-15", "2024-01-03"],
    ...                     "amount": [10.0, 20.0, 5.0]})
    >>> s = cvm.summary_from_transactions(log, "id", "date", "amount",
    ...                                   observation_period_end="2024-01-29", time_unit="W")
    >>> s.loc[1, ["frequency", "recency", "T", "monetary_value"]].tolist()
    [1.0, 2.0, 4.0, 20.0]
    """
    ids = _convert.column(df, customer_id_col)
    codes, labels = _convert.ids_to_int64(ids, customer_id_col)
    ts = _convert.timestamps_ns(_convert.column(df, datetime_col), datetime_col)
    amount = None
    if monetary_value_col is not None:
        amount = _convert.floats(_convert.column(df, monetary_value_col), monetary_value_col)
    columns = {"customer_id": customer_id_col, "datetime": datetime_col, "monetary_value": monetary_value_col}
    with _convert.fields_renamed(columns):
        out = _cvm.summarize(
            codes,
            ts,
            amount,
            freq=freq,
            freq_multiplier=freq_multiplier,
            time_unit=time_unit,
            observation_end_ns=_convert.timestamp_ns(observation_period_end, "observation_period_end"),
            calibration_end_ns=_convert.timestamp_ns(calibration_period_end, "calibration_period_end"),
            include_first_purchase=include_first_purchase,
        )
    customer = out.pop("customer_id")
    index = pd.Index(customer if labels is None else labels.take(customer), name=customer_id_col)
    excluded = out.pop("excluded_customers")
    duration = out.pop("duration_holdout", None)
    frame = pd.DataFrame(out, index=index)
    if duration is not None:
        frame["duration_holdout"] = duration
    frame.attrs["excluded_customers"] = excluded
    return frame


def _columns(summary: Any, frequency=None, recency=None, T=None):
    if summary is not None:
        summary = _convert.frame(summary, "summary")  # polars is converted column by column
        return (
            _convert.floats(_convert.get(summary, "frequency"), "frequency"),
            _convert.floats(_convert.get(summary, "recency"), "recency"),
            _convert.floats(_convert.get(summary, "T"), "T"),
            summary.index,
        )
    cols, _ = _convert.align({"frequency": frequency, "recency": recency, "T": T})  # by label
    return (
        _convert.floats(cols["frequency"], "frequency"),
        _convert.floats(cols["recency"], "recency"),
        _convert.floats(cols["T"], "T"),
        None,
    )


def compress(summary: Any = None, *, frequency=None, recency=None, T=None):
    """Collapse identical ``(frequency, recency, T)`` rows into unique rows with weights.

    Parameters
    ----------
    summary : pandas.DataFrame, optional
        A customer summary; or give ``frequency``, ``recency``, ``T`` arrays.

    Returns
    -------
    (pandas.DataFrame, numpy.ndarray)
        The unique rows (columns ``frequency``, ``recency``, ``T``, ``weight``; sorted) and, for
        each original row, the position of its unique row: ``unique.iloc[inverse]`` gives the
        original rows back.

    Examples
    --------
    >>> import cvm
    >>> unique, inverse = cvm.compress(frequency=[0, 2, 0], recency=[0, 5, 0], T=[10, 10, 10])
    >>> unique["weight"].tolist(), inverse.tolist()
    ([2, 1], [0, 1, 0])
    """
    f, r, t, _ = _columns(summary, frequency, recency, T)
    out = _cvm.compress(f, r, t)
    inverse = out.pop("inverse").astype(np.intp)
    return pd.DataFrame(out), inverse


def default_segment_table() -> list[dict]:
    """The default RFM segment rules (first match wins), as a list of dicts.

    Each rule is ``{"name": str, "recency": [lo, hi], "frequency_monetary": [lo, hi]}`` with
    inclusive score ranges 1–5. Modify and pass to :func:`rfm_segments` as ``table``.
    """
    return json.loads(_cvm.default_segment_table_json())["rules"]


def rfm_segments(summary: pd.DataFrame, table: Optional[list[dict]] = None) -> pd.DataFrame:
    """RFM quintile scores (1–5) and named segments.

    Scores are quintiles of the mid-rank percentile (ties share a score). Recency is scored on
    the time since the last purchase, ``T − recency`` (recent = 5). The segment depends on the
    recency score R and FM = the frequency score, or ``ceil((F + M) / 2)`` when the summary has
    ``monetary_value``; rules are tried in order (see :func:`default_segment_table`).

    Parameters
    ----------
    summary : pandas.DataFrame
        A customer summary with ``frequency``, ``recency``, ``T`` (and optionally
        ``monetary_value``).
    table : list of dict, optional
        Segment rules; every (R, FM) cell must match one, else :class:`InvalidValueError`.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``summary``: ``r_score``, ``f_score``, [``m_score``], ``fm_score`` and
        ``segment`` (categorical).

    Examples
    --------
    >>> import cvm
    >>> seg = cvm.rfm_segments(cvm.datasets.load_cdnow_summary())
    >>> int(seg["segment"].value_counts().sum())
    2357
    """
    summary = _convert.frame(summary, "summary")
    f, r, t, index = _columns(summary)
    m = None
    if "monetary_value" in summary.columns:
        m = _convert.floats(summary["monetary_value"], "monetary_value")
    table_json = None if table is None else json.dumps({"rules": table})
    out = _cvm.rfm_segments(f, r, t, m, table_json)
    names = out.pop("names")
    segment = pd.Categorical.from_codes(out.pop("segment").astype(np.int64), categories=names)
    frame = pd.DataFrame(out, index=index)
    frame["segment"] = segment
    return frame
