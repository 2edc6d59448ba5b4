"""lifetimes' ``utils``: customer summaries of a transaction log, calibration/holdout splits, a
customer's P(alive) path, the cohort's cumulative transactions and the discounted CLV sum.

The summaries are :func:`cvm.summary_from_transactions` (ages counted in whole periods of
``freq``, as lifetimes counts them for days and weeks) with lifetimes' column names; the model
numbers are the fitter's (cvm's). Periods: ``freq`` is one of ``"D"``, ``"W"`` (Monday–Sunday),
``"M"``, ``"Y"``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ...exceptions import ConvergenceError as _CvmConvergenceError
from ...exceptions import CvmError, InvalidTypeError, InvalidValueError, UnknownNameError
from ...summary import _timestamps, summary_from_transactions

__all__ = [
    "calibration_and_holdout_data",
    "summary_data_from_transaction_data",
    "calculate_alive_path",
    "expected_cumulative_transactions",
    "customer_lifetime_value",
]

#: lifetimes' ``ConvergenceError`` is cvm's (a :class:`RuntimeError`; lifetimes' was a ValueError).
ConvergenceError = _CvmConvergenceError

#: Months per step of lifetimes' CLV sum for each ``freq`` of the data (lifetimes' convention).
_CLV_STEP = {"W": 4.345, "M": 1.0, "D": 30, "H": 30 * 24}


def summary_data_from_transaction_data(transactions, customer_id_col, datetime_col, monetary_value_col=None,
                                       datetime_format=None, observation_period_end=None, freq="D",
                                       freq_multiplier=1, include_first_transaction=False):
    """Customer summary of a transaction log: ``frequency``, ``recency``, ``T`` (in periods of
    ``freq``, divided by ``freq_multiplier``) and, with ``monetary_value_col``, ``monetary_value``
    (the mean amount of the repeat purchase periods). Indexed by customer id.

    ``include_first_transaction=True`` counts the first purchase period in ``frequency`` and
    in ``monetary_value``, as lifetimes does (the result is then not a fitter's input).

    Raises
    ------
    cvm.InvalidInputError
        A missing column, unparseable dates, a transaction after ``observation_period_end``,
        a negative amount, a ``freq`` other than D, W, M, Y (``field`` and ``index`` locate it).

    Examples
    --------
    >>> from cvm.compat.lifetimes.datasets import load_transaction_data
    >>> from cvm.compat.lifetimes.utils import summary_data_from_transaction_data
    >>> s = summary_data_from_transaction_data(load_transaction_data(), "id", "date",
    ...                                        observation_period_end="2014-12-31")
    >>> s.loc[0].tolist()
    [0.0, 0.0, 298.0]
    """
    out = _summary(transactions, customer_id_col, datetime_col, monetary_value_col, datetime_format,
                   observation_period_end, None, freq, freq_multiplier, include_first_transaction)
    columns = ["frequency", "recency", "T"] + (["monetary_value"] if monetary_value_col else [])
    return out if list(out.columns) == columns else out[columns]  # no copy when nothing to drop


def calibration_and_holdout_data(transactions, customer_id_col, datetime_col, calibration_period_end,
                                 observation_period_end=None, freq="D", freq_multiplier=1, datetime_format=None,
                                 monetary_value_col=None, include_first_transaction=False):
    """Calibration summary and holdout counts per customer: ``frequency_cal``, ``recency_cal``,
    ``T_cal`` (``monetary_value_cal``), ``frequency_holdout`` (purchase periods in
    ``(calibration_period_end, observation_period_end]``), (``monetary_value_holdout``) and
    ``duration_holdout``. Customers whose first purchase is after the calibration end are left
    out.

    ``monetary_value_holdout`` is the mean amount per holdout purchase period (lifetimes
    averages the raw rows; the two agree when a customer buys at most once per period).

    Examples
    --------
    >>> from cvm.compat.lifetimes.datasets import load_transaction_data
    >>> from cvm.compat.lifetimes.utils import calibration_and_holdout_data
    >>> cal = calibration_and_holdout_data(load_transaction_data(), "id", "date", "2014-09-01",
    ...                                    observation_period_end="2014-12-31")
    >>> cal.columns.tolist()
    ['frequency_cal', 'recency_cal', 'T_cal', 'frequency_holdout', 'duration_holdout']
    """
    out = _summary(transactions, customer_id_col, datetime_col, monetary_value_col, datetime_format,
                   observation_period_end, calibration_period_end, freq, freq_multiplier, include_first_transaction)
    cal = ["frequency", "recency", "T"] + (["monetary_value"] if monetary_value_col else [])
    holdout = ["frequency_holdout"] + (["monetary_value_holdout"] if monetary_value_col else []) + ["duration_holdout"]
    out = out[cal + holdout].rename(columns={c: c + "_cal" for c in cal})
    return out.astype(np.float64)


def _summary(transactions, customer_id_col, datetime_col, monetary_value_col, datetime_format, observation_period_end,
             calibration_period_end, freq, freq_multiplier, include_first_transaction) -> pd.DataFrame:
    """cvm's summary with lifetimes' conventions (ages in periods; the first purchase counted
    in ``frequency`` when asked)."""
    if freq not in ("D", "W", "M", "Y"):
        raise UnknownNameError(f"`freq`: unknown value {freq!r}; valid values are D, W, M, Y", field="freq")
    if isinstance(transactions, pd.DataFrame) and datetime_col in transactions.columns:
        dates = _distinct_dates_parsed(transactions[datetime_col], datetime_col, datetime_format)
        if dates is not None:
            columns = [c for c in dict.fromkeys((customer_id_col, monetary_value_col)) if c in transactions.columns]
            transactions = pd.DataFrame({**{c: transactions[c] for c in columns}, datetime_col: dates})
            datetime_format = None
    out = summary_from_transactions(
        transactions, customer_id_col, datetime_col, monetary_value_col,
        observation_period_end=observation_period_end, calibration_period_end=calibration_period_end, freq=freq,
        freq_multiplier=freq_multiplier, include_first_purchase=bool(include_first_transaction),
        datetime_format=datetime_format)
    if include_first_transaction:
        out["frequency"] = out["frequency"] + 1.0
    return out


def _distinct_dates_parsed(values: pd.Series, field: str, datetime_format) -> Any:
    """A text (or, with ``datetime_format``, numeric) date column as datetime64, parsed once per
    distinct value by cvm's own rules (:func:`cvm.summary_from_transactions`'s): transaction
    logs repeat their dates (the example log: 365 dates in 15,273 rows), and parsing is most of
    the summary's time. ``None`` when the column is already datetime64, is numeric without a
    format, or a value does not parse — the caller then hands the column to cvm as it is, which
    reports the offending row."""
    kind = values.dtype.kind
    if kind in "mMb" or (kind in "iuf" and datetime_format is None) or len(values) == 0:
        return None
    codes, uniques = pd.factorize(values)
    try:
        ts, unit = _timestamps(pd.Series(np.asarray(uniques), dtype=uniques.dtype if kind in "iuf" else object),
                               field, datetime_format, None)
    except CvmError:
        return None
    stamps = np.append(ts, np.iinfo(np.int64).min).view(f"datetime64[{unit}]")  # the last one: NaT (code -1)
    return pd.Series(stamps[codes], index=values.index, name=values.name)


def _periods(transactions, datetime_col, datetime_format, freq) -> tuple[np.ndarray, pd.Period]:
    """Each transaction's period as a whole number from the first transaction's period, and
    that first period."""
    if freq not in ("D", "W", "M", "Y"):
        raise UnknownNameError(f"`freq`: unknown value {freq!r}; valid values are D, W, M, Y", field="freq")
    if datetime_col not in transactions.columns:
        raise InvalidValueError(f"`datetime_col`: no column {datetime_col!r} in the transactions (columns: "
                                + ", ".join(map(str, transactions.columns)) + ")", field="datetime_col")
    dates = _distinct_dates_parsed(transactions[datetime_col], datetime_col, datetime_format)
    if dates is None:
        dates = pd.to_datetime(transactions[datetime_col], format=datetime_format)
    if len(dates) == 0 or dates.isna().any():
        raise InvalidValueError(f"`{datetime_col}`: expected at least one transaction and no missing dates",
                                field=datetime_col)
    ordinals = pd.PeriodIndex(dates, freq=freq).asi8
    start = int(ordinals.min())
    return ordinals - start, pd.Period(dates.min(), freq=freq)


def _transaction_model(model: Any) -> Any:
    """The cvm BG/NBD, MBG/NBD or Pareto/NBD behind a fitter (a clear error for anything else)."""
    from .fitters._transaction import _TransactionFitter

    if not isinstance(model, _TransactionFitter):
        raise InvalidTypeError(f"`model`: expected a fitted BetaGeoFitter, ModifiedBetaGeoFitter or ParetoNBDFitter, "
                               f"got {type(model).__name__}", field="model")
    return model.cvm_model


def calculate_alive_path(model, transactions, datetime_col, t, freq="D"):
    """One customer's P(alive) at ages 0, 1, …, ``t`` periods after their first purchase.

    ``transactions`` holds that customer's transactions only. At each age the customer's
    history is their purchase periods up to it (``frequency`` = periods with a purchase − 1,
    ``recency`` = the last of them, ``T`` = the age), and the value is the model's
    ``conditional_probability_alive``. Returns a float Series indexed by age.

    Examples
    --------
    >>> import cvm.compat.lifetimes as lifetimes
    >>> bgf = lifetimes.BetaGeoFitter()
    >>> bgf.params_ = {"r": 0.16, "alpha": 1.86, "a": 1.85, "b": 3.18}
    >>> log = lifetimes.datasets.load_transaction_data()
    >>> path = lifetimes.utils.calculate_alive_path(bgf, log[log["id"] == 35], "date", 10)
    >>> len(path), float(path.iloc[0])
    (11, 1.0)
    """
    k, _ = _periods(transactions, datetime_col, None, freq)
    t = int(t)
    bought = np.zeros(max(t, int(k.max())) + 1, dtype=bool)
    bought[np.unique(k)] = True
    ages = np.arange(t + 1)
    bought = bought[: t + 1]
    frequency = np.cumsum(bought) - 1.0
    recency = np.maximum.accumulate(np.where(bought, ages, 0)).astype(np.float64)
    alive = model.conditional_probability_alive(frequency, recency, ages.astype(np.float64))
    return pd.Series(np.asarray(alive, dtype=np.float64).ravel(), index=ages)


def expected_cumulative_transactions(model, transactions, datetime_col, customer_id_col, t, datetime_format=None,
                                     freq="D", freq_multiplier=1, set_index_date=False):
    """Actual and expected cumulative repeat transactions of the cohort in the log (Fader,
    Hardie & Lee's tracking plot), over ``t`` periods from the first transaction.

    The customers born (first purchase) in period ``b`` contribute the model's expected repeat
    purchases of a new customer in ``(i − b) / freq_multiplier`` at period ``i``
    (:meth:`cvm.BetaGeo.expected_cumulative_transactions`);
    ``actual`` counts the repeat purchase periods of periods ``0 … i − 1``. One row every
    ``freq_multiplier`` periods: columns ``actual``, ``predicted``, indexed ``0 … t //
    freq_multiplier − 1`` (or by the periods with ``set_index_date``).
    """
    k, start = _periods(transactions, datetime_col, datetime_format, freq)
    if customer_id_col not in transactions.columns:
        raise InvalidValueError(f"`customer_id_col`: no column {customer_id_col!r} in the transactions",
                                field="customer_id_col")
    t = int(t)
    step = int(freq_multiplier)
    if t < 1 or step < 1:
        raise InvalidValueError(f"`t`, `freq_multiplier`: expected whole numbers >= 1, got {t}, {step}", field="t")
    visits = pd.DataFrame({"c": transactions[customer_id_col].to_numpy(), "k": k})
    visits = visits[visits["k"] <= t].drop_duplicates()
    first = visits.groupby("c")["k"].transform("min")
    births = visits.loc[visits["k"] == first, "k"].value_counts().sort_index()
    repeats = np.bincount(visits.loc[visits["k"] > first, "k"].to_numpy(), minlength=t + 1)
    rows = range(step, t + 1, step)
    # every customer born in period b adds E[X((i - b) / step)] at period i > b: one call to the
    # core's cohort tracking curve (births and times in units of `step` periods)
    birth = np.repeat(births.index.to_numpy(dtype=np.float64), births.to_numpy()) / step
    times = np.arange(step, t + 1, step, dtype=np.float64) / step
    predicted = np.asarray(_transaction_model(model).expected_cumulative_transactions(birth, times), dtype=np.float64)
    actual = [float(repeats[:i].sum()) for i in rows]
    if set_index_date:
        index: Any = pd.PeriodIndex([start + (i - 1) for i in rows])
    else:
        index = range(0, t // step)
    return pd.DataFrame({"actual": actual, "predicted": predicted}, index=index)


def customer_lifetime_value(transaction_prediction_model, frequency, recency, T, monetary_value, time=12,
                            discount_rate=0.01, freq="D"):
    """lifetimes' discounted CLV sum: over ``time`` monthly steps, the model's expected purchases
    in each step times ``monetary_value``, discounted by ``(1 + discount_rate)`` per month.

    A month is 4.345 weeks, 30 days or 720 hours of the data (``freq`` ``"W"``, ``"D"``,
    ``"H"``; ``"M"``: one unit). The rate is per month. Returns a Series named ``clv``
    indexed like ``frequency``. (lifetimes' private ``utils._customer_lifetime_value``; the
    Gamma-Gamma fitter's ``customer_lifetime_value`` calls it with the expected spend.)

    Raises
    ------
    cvm.UnknownNameError
        ``freq`` not one of W, M, D, H.
    cvm.InvalidValueError
        ``time`` not a whole number >= 0, ``discount_rate <= -1``.
    """
    if freq not in _CLV_STEP:
        raise UnknownNameError(f"`freq`: unknown value {freq!r}; valid values are " + ", ".join(_CLV_STEP),
                               field="freq")
    if int(time) != time or time < 0:
        raise InvalidValueError(f"`time`: expected a whole number of months >= 0, got {time!r}", field="time")
    if not discount_rate > -1:
        raise InvalidValueError(f"`discount_rate`: expected a rate > -1, got {discount_rate!r}", field="discount_rate")
    index = frequency.index if isinstance(frequency, pd.Series) else pd.RangeIndex(len(np.atleast_1d(frequency)))
    factor = _CLV_STEP[freq]
    spend = np.asarray(monetary_value, dtype=np.float64)
    clv = np.zeros(len(index))
    previous = np.zeros(len(index))
    for step in range(1, int(time) + 1):
        cumulative = np.asarray(transaction_prediction_model.predict(step * factor, frequency, recency, T),
                                dtype=np.float64)
        clv += spend * (cumulative - previous) / (1.0 + discount_rate) ** step
        previous = cumulative
    return pd.Series(clv, index=index, name="clv")


_customer_lifetime_value = customer_lifetime_value
