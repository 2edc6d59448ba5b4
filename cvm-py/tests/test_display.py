"""Models and rule documents that show themselves (issue 16 item 2): ``.summary``, ``__repr__``,
``_repr_html_`` of every fitted model, and the tables of ``SelectionRules``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cvm


@pytest.fixture(scope="module")
def bg(cdnow_split):
    return cvm.BetaGeo().fit(cdnow_split)


def test_summary_is_the_models_own_numbers(bg):
    table = bg.summary
    assert list(table.columns) == ["estimate", "std_error", "lower_95", "upper_95"]
    assert list(table.index) == ["r", "alpha", "a", "b"] and table.index.name == "parameter"
    np.testing.assert_array_equal(table["estimate"], pd.Series(bg.params_))
    np.testing.assert_array_equal(table["std_error"], bg.standard_errors_)
    ci = bg.confidence_intervals(0.95)
    np.testing.assert_array_equal(table["lower_95"], ci["lower"])
    np.testing.assert_array_equal(table["upper_95"], ci["upper"])
    # CDNOW BG/NBD (Fader, Hardie & Lee 2005): r = 0.243, alpha = 4.414, a = 0.793, b = 2.426
    assert table.loc["r", "estimate"] == pytest.approx(0.243, abs=5e-4)
    assert (table["lower_95"] < table["estimate"]).all() and (table["estimate"] < table["upper_95"]).all()
    assert np.isfinite(table.to_numpy()).all()


def test_repr_text_and_html(bg):
    text = repr(bg)
    lines = text.splitlines()
    assert lines[0] == "BetaGeo(r=0.2426, alpha=4.414, a=0.7929, b=2.426, log_likelihood=-9582.43, time_unit='W')"
    assert lines[1].split() == ["estimate", "std_error", "lower_95", "upper_95"]
    assert lines[3].split()[0] == "r" and float(lines[3].split()[1]) == pytest.approx(bg.params_["r"], rel=1e-5)
    assert f"AIC {bg.aic_:.4f}" in lines[-1] and f"BIC {bg.bic_:.4f}" in lines[-1]
    assert "customers 2,357" in lines[-1] and "converged yes" in lines[-1]
    page = bg._repr_html_()
    assert page.count("<table") == 2
    for part in ("std_error", "upper_95", "log-likelihood", f"{bg.log_likelihood_:.4f}", "customers", "2,357",
                 "converged"):
        assert part in page


def test_models_from_parameters_and_unfitted():
    m = cvm.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    assert list(m.summary.columns) == ["estimate"]
    assert m.summary["estimate"].tolist() == [0.243, 4.414, 0.793, 2.426]
    assert repr(m).splitlines()[-1] == "time unit none recorded; fit none: built from parameters"
    assert "built from parameters" in m._repr_html_()
    empty = cvm.ParetoNBD()
    assert repr(empty) == "ParetoNBD(penalizer=0.0)" and "not fitted" in empty._repr_html_()
    with pytest.raises(cvm.InvalidValueError, match="not fitted"):
        empty.summary


def test_every_model_class_has_a_summary(cdnow_split):
    calib = cdnow_split
    fitted = [
        cvm.ModifiedBetaGeo().fit(calib),
        cvm.ParetoNBD().fit(calib),
        cvm.GammaGamma().fit(calib["frequency"], calib["monetary_value"]),
        cvm.BetaGeoBetaBinom().fit(cvm.datasets.load_donations().rename(columns={"periods": "n_periods"})),
        cvm.ShiftedBetaGeo().fit_cohort([1000, 631, 468, 382, 326, 289, 262, 241]),
    ]
    for m in fitted:
        table = m.summary
        assert list(table.index) == list(m.params_)
        np.testing.assert_array_equal(table["std_error"], m.standard_errors_)
        assert f"customers {m.n_obs_:,.0f}" in repr(m) and "<table" in m._repr_html_()


def test_selection_rules_tables_and_html():
    rules = cvm.SelectionRules.from_dict({
        "version": 1, "name": "mixed",
        "criteria": [
            {"name": "loyal", "weight": 1.5, "condition": {"all": [
                {"attr": "tenure", "op": ">=", "value": 2},
                {"attr": "segment", "op": "in", "values": ["gold", "silver"]},
                {"not": {"attr": "email", "op": "is_missing"}},
                {"any": [{"attr": "age", "op": "between", "lo": 25, "hi": 45, "inclusive": False},
                         {"attr": "vip", "op": "==", "value": True}]}]}},
            {"name": "big", "condition": {"attr": "spend", "op": ">=", "quantile": 0.75}},
        ],
        "hard": [{"name": "debt", "decision": "decline", "condition": {"attr": "bad_debt", "op": ">", "value": 0}}],
        "decisions": [{"decision": "target", "min": 2}, {"decision": "maintain", "max": 2}],
    })
    criteria, decisions = rules.tables()
    assert list(criteria.index) == ["loyal", "big", "debt"]
    assert criteria.loc["loyal", "condition"] == (
        '(tenure >= 2.0 and segment in {"gold", "silver"} and not email is missing and '
        "(age in (25.0, 45.0) or vip == true))")
    assert criteria.loc["big", "condition"] == "spend >= quantile 0.75"
    assert criteria["kind"].tolist() == ["criterion", "criterion", "hard rule"]
    assert criteria.loc["loyal", "weight"] == 1.5 and np.isnan(criteria.loc["debt", "weight"])
    assert criteria["decision"].tolist() == [None, None, "decline"]
    assert decisions.loc["target", "min"] == 2 and np.isnan(decisions.loc["target", "max"])
    page = rules._repr_html_()
    assert "<b>mixed</b>" in page and "spend &gt;= quantile 0.75" in page and page.count("<table") == 2


def test_result_objects_show_html():
    b = cvm.value_matrix(pd.Series([50.0, 150.0, 150.0, 50.0], index=[1, 2, 3, 4]), [50.0, 150.0, 50.0, 150.0],
                         [100.0], [100.0], quantiles=False)
    m = cvm.matrix_migration(b, b)
    assert "Value-matrix migration" in m._repr_html_() and m._repr_html_().count("<table") == 2
    c = cvm.compare_campaigns(pd.Series([100.0, 50.0, 10.0]), 0.5, 1.0, 2.0, draws=5, seed=1)
    page = c._repr_html_()
    assert "contacted" in page and "top_by_clv" in page
