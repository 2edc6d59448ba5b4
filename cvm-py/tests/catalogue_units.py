"""The bad-input catalogue of units that travel and of fits the data cannot identify, from Python.

A summary records the unit of its recency and T (``attrs["time_unit"]``); a model records the
unit of the data it was fitted on (``time_unit_``); CLV reads the customer data in that unit.
Every contradiction between them, a unit that is not a unit, and no unit at all where CLV needs
one is an error naming the argument, both units and the fix (the C rows are in
``tests/c/catalogue_models.inc``; the Rust rules in ``cvm_core::clv::ClvOptions``).

Rows ``(name, call, exception class, field, index, message substrings)``, run by
``test_catalogue.py``.
"""

from __future__ import annotations

import json

import pandas as pd

import cvm
from cvm import (
    InvalidTypeError,
    InvalidValueError,
    NotIdentifiedError,
    SerializationError,
    UnknownNameError,
)

BG = dict(r=0.243, alpha=4.414, a=0.793, b=2.426)
BG_W = cvm.BetaGeo.from_params(**BG, time_unit="W")
BG_D = BG_W.with_time_unit("D")
BG_NONE = cvm.BetaGeo.from_params(**BG)
GG = dict(p=6.25, q=3.74, gamma=15.44)
GG_W = cvm.GammaGamma.from_params(**GG, time_unit="W")
GG_D = GG_W.with_time_unit("D")
GG_NONE = cvm.GammaGamma.from_params(**GG)
BGBB_Y = cvm.BetaGeoBetaBinom.from_params(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783, time_unit="Y")


def _summary(unit=None, scale=1.0):
    s = pd.DataFrame(
        {"frequency": [2.0, 0.0, 5.0, 1.0], "recency": [10.0 * scale, 0.0, 30.0 * scale, 4.0 * scale],
         "T": [40.0 * scale, 20.0 * scale, 38.0 * scale, 12.0 * scale], "monetary_value": [25.0, 0.0, 40.0, 12.0]},
        index=pd.Index(["ann", "bob", "cy", "dee"], name="customer_id"),
    )
    if unit is not None:
        s.attrs["time_unit"] = unit
    return s


WEEKS = _summary("W")
DAYS = _summary("D", scale=7.0)
NO_UNIT = _summary()
NOT_A_UNIT = _summary("fortnight")
NO_REPEAT = pd.DataFrame({"frequency": [0.0, 0.0, 0.0], "recency": [0.0, 0.0, 0.0], "T": [10.0, 20.0, 30.0]})
BGBB_HISTORIES = pd.DataFrame({"frequency": [3.0], "recency": [4.0], "n_periods": [6.0], "monetary_value": [20.0]})


def _weekly_series(name):
    s = WEEKS[name].copy()
    s.attrs["time_unit"] = "W"  # set explicitly: column selection keeps attrs, but not on every pandas
    return s


def _json_with_unit(unit):
    doc = json.loads(BG_W.to_json())
    doc["time_unit"] = unit
    return json.dumps(doc)


CASES = [
    # -- a fit records the unit of its data -----------------------------------------------------
    ("fit: time_unit contradicts the summary's", lambda: cvm.BetaGeo().fit(WEEKS, time_unit="D"),
     InvalidValueError, "time_unit", None,
     ("D contradicts the unit the data record", 'summary.attrs["time_unit"] is W', "omit time_unit to use W",
      'time_unit="D"')),
    ("fit: time_unit contradicts a Series'", lambda: cvm.ParetoNBD().fit(
        _weekly_series("frequency"), WEEKS["recency"], WEEKS["T"], time_unit="M"),
     InvalidValueError, "time_unit", None, ("M contradicts", 'frequency.attrs["time_unit"] is W')),
    ("fit: columns of summaries in different units", lambda: cvm.BetaGeo().fit(
        _weekly_series("frequency"), DAYS["recency"], DAYS["T"]),
     InvalidValueError, "time_unit", None, ("different units", "is W", "is D")),
    ("fit: Gamma-Gamma time_unit contradicts the summary's", lambda: cvm.GammaGamma().fit(DAYS, time_unit="W"),
     InvalidValueError, "time_unit", None, ("W contradicts", 'summary.attrs["time_unit"] is D')),
    ("fit: unknown unit", lambda: cvm.BetaGeo().fit(NO_UNIT, time_unit="fortnight"),
     UnknownNameError, "time_unit", None, ('"fortnight"', "valid values are D, W, M, Y")),
    ("fit: a unit that is not a string", lambda: cvm.ModifiedBetaGeo().fit(NO_UNIT, time_unit=7),
     InvalidTypeError, "time_unit", None, "expected a string, got int 7"),
    ("fit: the summary records an unknown unit", lambda: cvm.BetaGeo().fit(NOT_A_UNIT),
     UnknownNameError, 'summary.attrs["time_unit"]', None, ('"fortnight"', "D, W, M, Y")),
    ("fit: BG/BB unknown unit", lambda: cvm.BetaGeoBetaBinom().fit([1, 0], [1, 0], [2, 2], time_unit="sec"),
     UnknownNameError, "time_unit", None, ('"sec"', "D, W, M, Y")),
    ("fit: sBG cohort unknown unit", lambda: cvm.ShiftedBetaGeo().fit_cohort([10, 8, 7], time_unit="quarter"),
     UnknownNameError, "time_unit", None, ('"quarter"', "D, W, M, Y")),
    ("from_params: unknown unit", lambda: cvm.BetaGeo.from_params(**BG, time_unit="weekly"),
     UnknownNameError, "time_unit", None, ('"weekly"', "D, W, M, Y")),
    ("with_time_unit: unknown unit", lambda: GG_W.with_time_unit("hours"),
     UnknownNameError, "time_unit", None, ('"hours"', "D, W, M, Y")),
    ("model JSON: unknown time_unit", lambda: cvm.BetaGeo.from_json(_json_with_unit("fortnight")),
     SerializationError, "$.time_unit", None, "valid values are D, W, M, Y"),

    # -- CLV reads the data in the recorded unit ------------------------------------------------
    ("CLV: data_time_unit contradicts the model's", lambda: cvm.customer_lifetime_value(BG_D, GG_NONE, NO_UNIT, data_time_unit="W"),
     InvalidValueError, "data_time_unit", None,
     ("W contradicts the unit the model records for its data (D)", "omit data_time_unit or pass D")),
    ("CLV: data_time_unit contradicts the summary's", lambda: cvm.customer_lifetime_value(BG_NONE, GG_NONE, WEEKS, data_time_unit="D"),
     InvalidValueError, "data_time_unit", None,
     ("D contradicts the unit the summary records", 'summary.attrs["time_unit"] is W', "omit data_time_unit or pass W")),
    ("CLV: a summary in days for a model in weeks", lambda: cvm.customer_lifetime_value(BG_W, GG_W, DAYS),
     InvalidValueError, "summary", None,
     ("recency and T are in D", "the model's data are in W", "rebuild the summary in W")),
    ("CLV: no unit anywhere", lambda: cvm.customer_lifetime_value(BG_NONE, GG_NONE, NO_UNIT),
     InvalidValueError, "data_time_unit", None,
     ("the model does not record the unit of its data; pass data_time_unit",
      'or a summary that records its unit in attrs["time_unit"]')),
    ("CLV: no unit anywhere, lifetimes method", lambda: cvm.customer_lifetime_value(BG_NONE, GG_NONE, NO_UNIT, method="lifetimes"),
     InvalidValueError, "data_time_unit", None, "pass data_time_unit"),
    ("CLV: unknown data_time_unit", lambda: cvm.customer_lifetime_value(BG_W, GG_W, WEEKS, data_time_unit="sec"),
     UnknownNameError, "data_time_unit", None, ('"sec"', "valid values are D, W, M, Y")),
    ("CLV: spend model in another unit", lambda: cvm.customer_lifetime_value(BG_W, GG_D, WEEKS),
     InvalidValueError, "spend_model", None,
     ("the spend model records D for its data, but the customer data are in W", 'spend_model.with_time_unit("W")')),
    ("CLV: spend model in another unit than data_time_unit", lambda: cvm.customer_lifetime_value(BG_NONE, GG_D, NO_UNIT, data_time_unit="M"),
     InvalidValueError, "spend_model", None, "records D for its data, but the customer data are in M"),
    ("CLV: BG/BB data_time_unit contradicts the model's", lambda: cvm.customer_lifetime_value(BGBB_Y, GG_NONE, BGBB_HISTORIES, data_time_unit="M"),
     InvalidValueError, "data_time_unit", None, "M contradicts the unit the model records for its data (Y)"),

    # -- predictions on a summary in another unit -----------------------------------------------
    ("predict: a summary in days for a model in weeks", lambda: BG_W.predict(DAYS, t=10),
     InvalidValueError, "summary", None, ("recency and T are in D", "the model's data are in W")),
    ("churn_risk: a summary in days for a model in weeks", lambda: cvm.churn_risk(BG_W, DAYS, 10),
     InvalidValueError, "summary", None, "the model's data are in W"),

    # -- fits the data cannot identify (NotIdentifiedError: .model and .reason) -----------------
    ("not identified: BG/NBD without repeat purchases", lambda: cvm.BetaGeo().fit(NO_REPEAT),
     NotIdentifiedError, None, None, ("the data cannot identify the bg_nbd parameters", "no customer made a repeat purchase")),
    ("not identified: MBG/NBD, identical customers", lambda: cvm.ModifiedBetaGeo().fit([1, 1], [5, 5], [9, 9]),
     NotIdentifiedError, None, None, ("mbg_nbd", "same history")),
    ("not identified: Pareto/NBD without repeat purchases", lambda: cvm.ParetoNBD().fit(NO_REPEAT),
     NotIdentifiedError, None, None, ("pareto_nbd", "no customer made a repeat purchase")),
    ("not identified: BG/BB without repeat transactions", lambda: cvm.BetaGeoBetaBinom().fit([0, 0], [0, 0], [6, 6], weights=[5, 3]),
     NotIdentifiedError, None, None, ("bg_bb", "no customer made a repeat purchase")),
    ("not identified: Gamma-Gamma, equal spends", lambda: cvm.GammaGamma().fit([1, 2, 3], [10.0, 10.0, 10.0]),
     NotIdentifiedError, None, None, ("gamma_gamma", "same average spend")),
    ("not identified: sBG, nobody cancelled", lambda: cvm.ShiftedBetaGeo().fit_cohort([100, 100, 100]),
     NotIdentifiedError, None, None, ("sbg", "no customer cancelled")),
]
