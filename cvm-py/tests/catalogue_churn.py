"""Bad inputs of churn calibration and evaluation (``cvm.ChurnCalibrator``, ``cvm.churn_report``);
the rows mirror tests/c/catalogue_churn.inc and the unit tests of cvm-core/src/churn.

Rows ``(name, call, exception class, field, index, message substring)``, run by
``test_catalogue.py``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import cvm
from cvm import (
    InvalidValueError,
    LengthMismatchError,
    NotIdentifiedError,
    SerializationError,
    UnknownNameError,
)

S3 = [0.1, 0.2, 0.3]
Y3 = [0, 1, 1]

CASES = [
    ("churn calibrator: non-finite score", lambda: cvm.ChurnCalibrator().fit([0.1, np.nan, 0.3], Y3),
     InvalidValueError, "scores", 1, "must be finite"),
    ("churn calibrator: churned flag not 0/1", lambda: cvm.ChurnCalibrator().fit(S3, [0, 2, 1]),
     InvalidValueError, "churned", 1, "must be a boolean"),
    ("churn calibrator: negative weight", lambda: cvm.ChurnCalibrator().fit(S3, Y3, sample_weight=[1, 1, -1]),
     InvalidValueError, "sample_weight", 2, ">= 0"),
    ("churn calibrator: unknown method", lambda: cvm.ChurnCalibrator("spline").fit(S3, Y3),
     UnknownNameError, "method", None, "isotonic, platt"),
    ("churn calibrator: Platt on constant scores", lambda: cvm.ChurnCalibrator("platt").fit([0.5] * 3, Y3),
     NotIdentifiedError, None, None, "scores are all equal"),
    ("churn calibrator: Platt on separated scores", lambda: cvm.ChurnCalibrator("platt").fit(S3, [0, 0, 1]),
     NotIdentifiedError, None, None, "separate the classes"),
    ("churn calibrator: JSON missing key", lambda: cvm.ChurnCalibrator.from_json(
        '{"format": "cvm-churn-calibrator", "version": 1, "kind": "platt", "intercept": 1}'),
     SerializationError, "$.slope", None, "missing key"),
    ("churn calibrator: transform before fit", lambda: cvm.ChurnCalibrator().transform(S3),
     InvalidValueError, "calibrator", None, "not fitted"),
    ("churn calibrator: labels differ", lambda: cvm.ChurnCalibrator().fit(
        pd.Series(S3, index=list("abc")), pd.Series(Y3, index=list("abd"))),
     InvalidValueError, "churned", 2, "index label 'd'"),
    ("churn report: probability above 1", lambda: cvm.churn_report([0.1, 0.2, 1.5], Y3, bins=1),
     InvalidValueError, "probability", 2, "[0, 1]"),
    ("churn report: probability NaN, labelled", lambda: cvm.churn_report(
        pd.Series([0.1, np.nan, 0.3], index=list("xyz")), Y3, bins=1),
     InvalidValueError, "probability", 1, "index label 'y'"),
    ("churn report: baseline of another length", lambda: cvm.churn_report(S3, Y3, baseline=[1.0, 2.0], bins=1),
     LengthMismatchError, "baseline", None, "expected 3"),
    ("churn report: more bins than customers", lambda: cvm.churn_report(S3, Y3, bins=4),
     InvalidValueError, "bins", None, "1..=3"),
    ("churn report: bins not a whole number", lambda: cvm.churn_report(S3, Y3, bins=2.5),
     InvalidValueError, "bins", None, "whole number"),
    ("churn report: no non-churner", lambda: cvm.churn_report(S3, [1, 1, 1], bins=1),
     InvalidValueError, "churned", None, "every customer churned"),
]
