"""Bad inputs of the decision module (report columns, playbooks, campaigns); rows
``(name, call, exception class, field, index, message substring)``, run by ``test_catalogue.py``
and mirrored in tests/c/catalogue_decision.inc."""

from __future__ import annotations

import numpy as np
import pandas as pd

import cvm
from cvm import EmptyInputError, InvalidValueError, LengthMismatchError, SerializationError, UnknownNameError

IDS = pd.Index(["a", "b"])

CASES = [
    ("report: clv shorter than the ids", lambda: cvm.customer_value_report(["a", "b"], clv=[1.0]),
     LengthMismatchError, "clv", None),
    ("report: a label missing", lambda: cvm.customer_value_report(clv=pd.Series([1.0, 2.0], index=IDS),
                                                                  churn_probability=pd.Series([0.1], index=["a"])),
     LengthMismatchError, "churn_probability", None, "is missing"),
    ("report: churn probability above 1", lambda: cvm.customer_value_report(churn_probability=[0.1, 1.5]),
     InvalidValueError, "churn_probability", 1, "[0, 1]"),
    ("report: clv NaN", lambda: cvm.customer_value_report(clv=[1.0, np.nan]),
     InvalidValueError, "clv", 1, "finite"),
    ("report: unknown stage", lambda: cvm.customer_value_report(stages=pd.Series(["repeat", "loyal"])),
     UnknownNameError, "loyalty_stage[1]", None, "lapsed"),
    ("report: unknown big-customer-risk decision", lambda: cvm.customer_value_report(
        big_customer_risk=pd.Series(["watch", "severe"])), UnknownNameError, "big_customer_risk[1]", None, "high_risk"),
    ("report: flag not boolean", lambda: cvm.customer_value_report(dormant=pd.Series(["yes", "no"])),
     InvalidValueError, "dormant", 0, "true/false"),
    ("report: no customers", lambda: cvm.customer_value_report(clv=[]), EmptyInputError, "customer_id", None),
    ("playbook: unknown segment", lambda: cvm.Playbook.from_dict(
        {"version": 1, "plays": [{"segment_type": "loyalty_stage", "segment": "loyal", "action": "x"}]}),
     SerializationError, "$.plays[0].segment", None, "first_time"),
    ("playbook: version", lambda: cvm.Playbook.from_dict({"version": 2, "plays": []}),
     SerializationError, "$.version", None),
    ("campaign: uplift above 1", lambda: cvm.select_campaign([1.0, 2.0], [0.1, 1.2], 1.0, 10.0),
     InvalidValueError, "uplift", 1, "[0, 1]"),
    ("campaign: negative cost", lambda: cvm.select_campaign([1.0, 2.0], 0.1, [1.0, -1.0], 10.0),
     InvalidValueError, "cost", 1, ">= 0"),
    ("campaign: budget infinite", lambda: cvm.select_campaign([1.0, 2.0], 0.1, 1.0, float("inf")),
     InvalidValueError, "budget", None, "finite"),
    ("campaign: segment without a cost", lambda: cvm.select_campaign([1.0, 2.0], 0.1, {"mail": 1.0}, 10.0,
                                                                     segment=["mail", "call"]),
     InvalidValueError, "segment", 1, "has no cost"),
    ("campaign: unknown method", lambda: cvm.select_campaign([1.0], 0.1, 1.0, 10.0, method="optimal"),
     UnknownNameError, "method", None, "greedy"),
    ("campaign: exact off the cents grid", lambda: cvm.select_campaign([100.0], 0.1, 1 / 3, 10.0, method="exact"),
     InvalidValueError, "method", None, "whole cents"),
    ("campaign: zero draws", lambda: cvm.compare_campaigns([1.0], 0.1, 1.0, 10.0, draws=0),
     InvalidValueError, "draws", None),
]
