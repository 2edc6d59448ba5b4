"""Bad inputs at the Python edge: misaligned pandas inputs, missing and non-numeric columns,
models in the wrong argument, polars tables, NaN, unknown names, bad model documents.

Rows ``(name, call, exception class, field, index, message substring)``, run by
``test_catalogue.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import cvm
from cvm import (
    InvalidTypeError,
    InvalidValueError,
    LengthMismatchError,
    MissingColumnError,
    SerializationError,
    UnknownNameError,
)

BG = cvm.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426, time_unit="W")
PNBD = cvm.ParetoNBD.from_params(r=0.55, alpha=10.58, s=0.61, beta=11.67)
GG = cvm.GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
BGBB = cvm.BetaGeoBetaBinom.from_params(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)


def s(values, labels="abc"):
    return pd.Series(values, index=list(labels), dtype=object if any(isinstance(v, str) for v in values) else None)


SUMMARY = pd.DataFrame(
    {"frequency": [2.0, 0.0, 5.0], "recency": [10.0, 0.0, 30.0], "T": [40.0, 20.0, 38.0],
     "monetary_value": [25.0, 0.0, 40.0]},
    index=pd.Index(["ann", "bob", "cy"], name="customer_id"),
)
NO_T = SUMMARY.drop(columns="T")
NO_SPEND = SUMMARY.drop(columns="monetary_value")
TEXT_FREQUENCY = SUMMARY.assign(frequency=["2", "zero", "5"])
NAN_SPEND = SUMMARY.assign(monetary_value=[25.0, 0.0, np.nan])
RULES = cvm.SelectionRules.from_dict({
    "version": 1,
    "criteria": [{"name": "profitability", "weight": 1,
                  "condition": {"attr": "margin", "op": ">=", "value": 1000}}],
    "decisions": [{"decision": "target", "min": 1}, {"decision": "maintain", "max": 1}],
})

CASES = [
    # -- the Pareto/NBD conditional count distribution --------------------------------------------
    ("count distribution: negative horizon",
     lambda: PNBD.conditional_probability_of_n_purchases(1, -1.0, [1.0], [1.0], [2.0]),
     InvalidValueError, "t", None, "must be finite and >= 0 (got -1)"),
    ("count distribution: recency above T",
     lambda: PNBD.conditional_probability_of_n_purchases(1, 39.0, [1.0, 2.0], [1.0, 5.0], [2.0, 3.0]),
     InvalidValueError, "recency", 1, "must not exceed T (got 5 > 3)"),
    # -- misaligned pandas inputs (aligned by label, else an error naming both arguments) ------
    ("models: labels differ", lambda: BG.expected_purchases(10, s([1, 2, 3]), s([5, 6, 7], "abd"), s([9, 9, 9])),
     InvalidValueError, "recency", 2, "index label 'd' is not in the index of `frequency`"),
    ("models: Series and a shorter array", lambda: BG.probability_alive(s([1, 2, 3]), s([5, 6, 7]), [9.0, 9.0]),
     LengthMismatchError, "T", None, "2 values, expected 3"),
    ("models: a label missing", lambda: BG.probability_alive(s([1, 2, 3]), s([5, 6], "ab"), s([9, 9, 9])),
     LengthMismatchError, "recency", None, "index label 'c'"),
    ("models: duplicate labels", lambda: PNBD.probability_alive(s([1, 2, 3], "aab"), s([5, 6, 7], "aba"), s([9, 9, 9], "aab")),
     InvalidValueError, "frequency", 1, "duplicate index label 'a'"),
    ("models: fit weights misaligned", lambda: cvm.BetaGeo().fit(s([1, 2, 3]), s([5, 6, 7]), s([9, 9, 9]), weights=s([1, 1, 1], "xyz")),
     InvalidValueError, "weights", 0, "index label 'x'"),
    ("gamma-gamma: labels differ", lambda: GG.conditional_expected_average_spend(s([1, 2, 3]), s([10.0, 20.0, 30.0], "cab").rename({"c": "z"})),
     InvalidValueError, "monetary_value", 0, "index label 'z'"),
    ("bg/bb: labels differ", lambda: BGBB.conditional_probability_alive(1, s([1, 2, 3]), s([2, 4, 6]), s([6, 6, 6], "abz")),
     InvalidValueError, "n_periods", 2, "index label 'z'"),
    ("sbg: labels differ", lambda: cvm.ShiftedBetaGeo().fit(s([1, 2, 3]), s([0, 1, 0], "bcd")),
     InvalidValueError, "still_active", 2, "index label 'd'"),
    ("value: cash-flow inputs misaligned", lambda: cvm.cashflow_clv(s([100.0, 50.0, 80.0]), 0.1, None, retention=s([0.8, 0.7, 0.9], "abx")),
     InvalidValueError, "retention", 2, "index label 'x'"),
    ("value: per-customer acquisition cost too short", lambda: cvm.cashflow_clv(s([100.0, 50.0, 80.0]), 0.1, 5, acquisition_cost=[10.0, 20.0]),
     LengthMismatchError, "acquisition_cost", None, "2 values, expected 3"),
    ("value: matrix axes misaligned", lambda: cvm.value_matrix(s([1.0, 2.0, 3.0]), s([3.0, 2.0, 1.0], "xbc")),
     InvalidValueError, "potential", 0, "index label 'x'"),
    ("value: decomposition misaligned", lambda: cvm.value_decomposition(s([1.0, 2.0, 3.0]), s([3.0, 2.0], "ab")),
     LengthMismatchError, "potential", None, "index label 'c'"),
    ("summary: compress misaligned", lambda: cvm.compress(frequency=s([1, 2, 3]), recency=s([1, 2, 3], "abz"), T=s([5, 5, 5])),
     InvalidValueError, "recency", 2, "index label 'z'"),
    # -- missing columns: a MissingColumnError (InvalidValueError and KeyError) listing the columns
    ("missing column: fit", lambda: cvm.BetaGeo().fit(NO_T),
     MissingColumnError, "T", None, "the summary has columns 'frequency', 'recency', 'monetary_value'"),
    ("missing column: predict", lambda: BG.predict(NO_T, t=10),
     MissingColumnError, "T", None, "`T`: no such column"),
    ("missing column: gamma-gamma fit", lambda: cvm.GammaGamma().fit(NO_SPEND),
     MissingColumnError, "monetary_value", None, "'frequency', 'recency', 'T'"),
    ("missing column: CLV", lambda: cvm.customer_lifetime_value(BG, GG, NO_SPEND),
     MissingColumnError, "monetary_value", None, "no such column"),
    ("missing column: rfm", lambda: cvm.rfm_segments(NO_T),
     MissingColumnError, "T", None, "no such column"),
    ("missing column: loyalty", lambda: cvm.loyalty_stages(NO_T),
     MissingColumnError, "T", None, "the summary has columns"),
    ("missing column: empty table to rules", lambda: RULES.evaluate(pd.DataFrame(index=range(2))),
     MissingColumnError, "$.criteria[0].condition.attr", None, "the DataFrame has no columns"),
    ("missing column: rules list the DataFrame's columns", lambda: RULES.evaluate(pd.DataFrame({"profit": [1.0], "spend": [2.0]})),
     MissingColumnError, "$.criteria[0].condition.attr", None, "the DataFrame has columns 'profit', 'spend'"),
    ("missing column: transaction log", lambda: cvm.summary_from_transactions(pd.DataFrame({"id": [1], "day": ["2024-01-01"]}), "id", "date"),
     MissingColumnError, "date", None, "the data has columns 'id', 'day'"),
    # -- non-numeric values: the column, the row (position and label) and the value ------------
    ("non-numeric: summary column", lambda: cvm.BetaGeo().fit(TEXT_FREQUENCY),
     InvalidValueError, "frequency", 1, "[1] (index label 'bob'): expected a number, got 'zero'"),
    ("non-numeric: spend", lambda: GG.conditional_expected_average_spend([1, 2], ["10.5", "n/a"]),
     InvalidValueError, "monetary_value", 1, "expected a number, got 'n/a'"),
    ("non-numeric: cash-flow schedule", lambda: cvm.cashflow_clv([100.0, "x"], 0.1, 5),
     InvalidValueError, "revenue", 1, "expected a number, got 'x'"),
    ("non-numeric: scalar argument", lambda: BG.expected_purchases("ten", [1.0], [5.0], [9.0]),
     InvalidValueError, "t", None, "expected a number, got 'ten'"),
    ("non-numeric: count argument", lambda: BG.probability_of_n_purchases("two", 10),
     InvalidValueError, "n", None, "expected a number, got 'two'"),
    ("non-numeric: dates as amounts", lambda: cvm.whale_curve(pd.Series(pd.to_datetime(["2024-01-01"]))),
     InvalidValueError, "profit", None, "expected numbers"),
    # -- models in the wrong argument ------------------------------------------------------------
    ("model swap: CLV", lambda: cvm.customer_lifetime_value(GG, BG, SUMMARY),
     InvalidTypeError, "transaction_model", None, "look swapped"),
    ("model swap: two transaction models", lambda: cvm.customer_lifetime_value(BG, PNBD, SUMMARY),
     InvalidTypeError, "spend_model", None, "expected a GammaGamma model, got a cvm.ParetoNBD"),
    ("not fitted: CLV", lambda: cvm.customer_lifetime_value(cvm.BetaGeo(), GG, SUMMARY),
     InvalidValueError, "model", None, "not fitted"),
    # -- tables of the wrong kind ----------------------------------------------------------------
    ("not a table: rfm", lambda: cvm.rfm_segments([1, 2, 3]),
     InvalidTypeError, "summary", None, "expected a pandas, polars or pyarrow table, got list"),
    ("not a table: rules", lambda: RULES.evaluate({"margin": [1.0]}),
     InvalidTypeError, "df", None, "got dict"),
    # -- NaN: the column and the row (with its label) ---------------------------------------------
    ("NaN: CLV spend", lambda: cvm.customer_lifetime_value(BG, GG, NAN_SPEND),
     InvalidValueError, "monetary_value", 2, "(index label 'cy')"),
    ("NaN: model input", lambda: BG.expected_purchases(10, s([1.0, np.nan, 3.0]), s([5, 6, 7]), s([9, 9, 9])),
     InvalidValueError, "frequency", 1, "(index label 'b')"),
    ("out of range: a frequency beyond 2^53", lambda: BG.probability_alive(s([3.0, 1e30, 1.0]), s([10, 10, 5]), s([20, 20, 9])),
     InvalidValueError, "frequency", 1, "must be a whole number in 0..=2^53 (MAX_FREQUENCY) (got 1e30) (index label 'b')"),
    # -- unknown names ---------------------------------------------------------------------------
    ("unknown name: CLV time unit", lambda: cvm.customer_lifetime_value(BG, GG, SUMMARY, time_unit="fortnight"),
     UnknownNameError, "time_unit", None, "fortnight"),
    ("unknown name: cash-flow timing of another type", lambda: cvm.cashflow_clv(100.0, 0.1, 5, timing=1),
     UnknownNameError, "timing", None, 'unknown value "1"; valid values are end, start'),
    ("unknown name: model parameters", lambda: cvm.BetaGeo.from_params(r=1, alpha=1, a=1, beta=1),
     InvalidValueError, "params", None, "missing ['b'], unexpected ['beta']"),
    # -- model documents -------------------------------------------------------------------------
    ("bad JSON: load_model", lambda: cvm.load_model("{"),
     SerializationError, "$", None, None),
    ("bad JSON: not text", lambda: cvm.load_model(42),
     InvalidTypeError, "text", None, "expected a JSON string, got int"),
    ("bad JSON: another model's document", lambda: cvm.BetaGeo.from_json(PNBD.to_json()),
     SerializationError, "$.model", None, "expected 'bg_nbd', got 'pareto_nbd'"),
    # -- scalar and option arguments: named, with what was given -------------------------------
    ("bad option: penalizer", lambda: cvm.BetaGeo(penalizer="strong"),
     InvalidValueError, "penalizer", None, "expected a number, got 'strong'"),
    ("bad option: initial values", lambda: cvm.BetaGeo().fit(SUMMARY, initial={"r": 1.0}),
     InvalidValueError, "initial", None, "expected a value for each of ['r', 'alpha', 'a', 'b'], got ['r']"),
    ("bad option: horizon in whole periods", lambda: cvm.ShiftedBetaGeo.from_params(alpha=1.0, beta=2.0).survival_curve(2.5),
     InvalidValueError, "n_periods", None, "expected a whole number >= 0, got 2.5"),
    ("bad option: loyalty threshold", lambda: cvm.loyalty_stages(SUMMARY, lapse_window="26 weeks"),
     InvalidValueError, "lapse_window", None, "expected a number, got '26 weeks'"),
    ("bad option: rule set document not text", lambda: cvm.SelectionRules.from_json({"version": 1}),
     InvalidTypeError, "text", None, "expected a string, got dict"),
    ("bad option: preset columns not a mapping", lambda: cvm.rules.good_customer(columns=["clv_growth"]),
     InvalidTypeError, "columns", None, "expected a mapping"),
    ("bad option: value-matrix label not text", lambda: cvm.value_matrix([1.0, 2.0], [2.0, 1.0], labels=[1, 2, 3, 4]),
     InvalidTypeError, "labels", None, "expected a string, got int"),
    ("bad table: trend cell not a number", lambda: cvm.relationship_trend([[1.0, 2.0], [3.0, "n/a"]]),
     InvalidValueError, "profit", 3, "`profit`[3] (row 1, column 1): expected a number, got 'n/a'"),
    ("model kind: churn risk with a spend model", lambda: cvm.churn_risk(GG, SUMMARY, 10),
     InvalidTypeError, "model", None, "got cvm.GammaGamma"),
    ("missing column: look-alike feature", lambda: cvm.lookalike(SUMMARY, SUMMARY, ["frequency", "spend"], 1),
     MissingColumnError, "features", 1, "candidates has no column 'spend'"),
    ("missing value: array argument None", lambda: BG.probability_alive([1.0], None, [2.0]),
     InvalidValueError, "recency", None, "expected an array of numbers, got None"),
    ("NaN: look-alike feature", lambda: cvm.lookalike(SUMMARY.assign(T=[40.0, np.nan, 38.0]), SUMMARY, ["T", "recency"], 1),
     InvalidValueError, "candidates.T", 1, "(index label 'bob')"),
    ("NaN: rules under the error policy, user's column name", lambda: cvm.SelectionRules.from_dict({
        "version": 1, "missing": "error",
        "criteria": [{"name": "profitability", "weight": 1, "condition": {"attr": "my_margin", "op": ">=", "value": 1}}],
        "decisions": [{"decision": "target", "min": 1}, {"decision": "maintain", "max": 1}],
    }).evaluate(pd.DataFrame({"my_margin": [2.0, np.nan]}, index=["ann", "bob"])),
     InvalidValueError, "my_margin", 1, "(index label 'bob')"),
    # -- satisfaction-gated influence (seeds/000:9): unknown is never "highly satisfied"
    ("missing value: satisfaction", lambda: cvm.value_decomposition(referrals=[1, 1], conversion=1.0, referral_value=10.0, satisfaction=[5, None]),
     InvalidValueError, "satisfaction", 1, "no_influence"),
    ("missing option: referrals without satisfaction", lambda: cvm.value_decomposition(referrals=[1, 1], conversion=1.0, referral_value=10.0),
     InvalidValueError, "satisfaction", None, "plain_referrals=True"),
    ("bad option: satisfaction threshold off the scale", lambda: cvm.value_decomposition(referrals=[1], conversion=1.0, referral_value=10.0, satisfaction=[5], satisfaction_threshold=6),
     InvalidValueError, "satisfaction_threshold", None, "scale 1 to 5"),
    # -- options every table function or long computation takes
    ("bad option: output format", lambda: BG.predict(SUMMARY, t=10, output="arrow"),
     UnknownNameError, "output", None, "unknown value 'arrow'; valid values are pandas, polars"),
    ("bad option: progress not a bool", lambda: cvm.customer_lifetime_value(BG, GG, SUMMARY, progress="yes"),
     InvalidTypeError, "progress", None, "expected True or False, got str 'yes'"),
]

try:  # polars is optional (the oldest stack runs without it)
    import polars as pl
except ImportError:
    pl = None
if pl is not None:
    CASES.append(("missing column: rfm on polars", lambda: cvm.rfm_segments(pl.from_pandas(NO_T.reset_index(drop=True))),
                  MissingColumnError, "T", None, "no such column"))
