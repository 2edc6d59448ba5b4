"""How fitted models and rule documents show themselves: the parameter table (``.summary``), the
fit statistics, their text (``__repr__``) and HTML (``_repr_html_``, Jupyter) forms, and the
criteria and decisions of a selection-rule document as tables. Presentation only: every number is
the model's own (``params_``, ``standard_errors_``, ``confidence_intervals``, diagnostics)."""

from __future__ import annotations

import html
import json
from typing import Any

import numpy as np
import pandas as pd

LEVEL = 0.95


def parameter_table(model: Any) -> pd.DataFrame:
    """``estimate``, ``std_error``, ``lower_95`` and ``upper_95`` per parameter (rows, the papers'
    names). A model built from parameters has no covariance: only ``estimate``."""
    table = pd.DataFrame({"estimate": pd.Series(model.params_, dtype=np.float64)})
    table.index.name = "parameter"
    se = model.standard_errors_
    if se is not None:
        ci = model.confidence_intervals(LEVEL)
        table["std_error"] = se
        table["lower_95"] = ci["lower"]
        table["upper_95"] = ci["upper"]
    return table


def fit_statistics(model: Any) -> list[tuple[str, str]]:
    """(name, value) of the fit: log-likelihood, AIC, BIC, customers, convergence; a model built
    from parameters says so."""
    unit = model.time_unit_
    rows = [("time unit", "none recorded" if unit is None else unit)]
    if model.log_likelihood_ is None:
        return rows + [("fit", "none: built from parameters")]
    converged = "yes" if model.converged_ else "NO"
    rows += [
        ("log-likelihood", f"{model.log_likelihood_:.4f}"),
        ("AIC", f"{model.aic_:.4f}"),
        ("BIC", f"{model.bic_:.4f}"),
        ("customers", f"{model.n_obs_:,.0f}"),
        ("converged", f"{converged} ({model.iterations_} iterations, gradient norm {model.gradient_norm_:.3g})"),
    ]
    if getattr(model, "_covariate", False):
        lr = model.likelihood_ratio_test()
        rows.append(("vs. no covariates", f"LR {lr.statistic:.4g} on {lr.df} df, p = {lr.p_value:.3g}"))
    return rows


def _number(x: float) -> str:
    return f"{x:.6g}"


def model_text(model: Any, headline: str) -> str:
    """The headline, the parameter table and one line of fit statistics."""
    table = parameter_table(model).to_string(float_format=_number)
    stats = "; ".join(f"{k} {v}" for k, v in fit_statistics(model))
    return f"{headline}\n{table}\n{stats}"


def model_html(model: Any) -> str:
    """The parameter table and the fit statistics as one HTML block."""
    name = html.escape(type(model).__name__)
    table = parameter_table(model).to_html(float_format=_number)
    stats = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in fit_statistics(model))
    return (f"<div><p><b>{name}</b> — estimates with standard errors and {LEVEL:.0%} confidence intervals</p>"
            f"{table}<table>{stats}</table></div>")


def condition_text(cond: Any) -> str:
    """A rule condition (docs/rules.md) as one line: ``frequency >= 3``, ``all(a; b)``…"""
    if not isinstance(cond, dict):
        return json.dumps(cond)
    for key, word in (("all", " and "), ("any", " or ")):
        if key in cond:
            return "(" + word.join(condition_text(c) for c in cond[key]) + ")"
    if "not" in cond:
        return f"not {condition_text(cond['not'])}"
    attr, op = cond.get("attr", "?"), cond.get("op", "?")
    if op == "between":
        left, right = ("[", "]") if cond.get("inclusive", True) else ("(", ")")
        return f"{attr} in {left}{cond.get('lo')}, {cond.get('hi')}{right}"
    if op == "in":
        return f"{attr} in {{{', '.join(json.dumps(v) for v in cond.get('values', []))}}}"
    if op == "is_missing":
        return f"{attr} is missing"
    if "quantile" in cond:
        return f"{attr} {op} quantile {cond['quantile']}"
    return f"{attr} {op} {json.dumps(cond.get('value'))}"


def rule_tables(document: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The criteria and hard rules (``kind``, ``weight`` — NaN for a hard rule, which has none —,
    ``condition``, ``decision`` — None for a criterion), indexed by name in evaluation order, and
    the decisions with their score bands (``min``, ``max``; NaN where the band is open)."""
    from ._convert import text_column

    crit, hard = document.get("criteria", []), document.get("hard", [])
    names = pd.Index([c["name"] for c in crit] + [h["name"] for h in hard], name="name")
    criteria = pd.DataFrame(
        {
            "kind": text_column(["criterion"] * len(crit) + ["hard rule"] * len(hard), names),
            "weight": pd.Series([float(c.get("weight", 1.0)) for c in crit] + [np.nan] * len(hard), index=names),
            "condition": text_column([condition_text(r["condition"]) for r in crit + hard], names),
            "decision": text_column([None] * len(crit) + [h.get("decision") for h in hard], names),
        },
        index=names,
    )
    bands = document.get("decisions", [])
    index = pd.Index([d["decision"] for d in bands], name="decision")
    decisions = pd.DataFrame({"min": [float(d.get("min", np.nan)) for d in bands],
                              "max": [float(d.get("max", np.nan)) for d in bands]}, index=index)
    return criteria, decisions


def rules_html(name: Any, document: dict) -> str:
    criteria, decisions = rule_tables(document)
    title = html.escape(str(name)) if name else "selection rules"
    return (f"<div><p><b>{title}</b></p><p>Criteria and hard rules</p>{criteria.to_html(na_rep='')}"
            f"<p>Decisions by score</p>{decisions.to_html(na_rep='')}</div>")
