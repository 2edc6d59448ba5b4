"""Tests of the selection area in Python: every condition type, combinator, missing-value policy
and preset with exact reason codes (the core's golden cases), pandas conversions, JSON round trip,
bad input with field/index, relationship trends and look-alike ranking."""

import json

import numpy as np
import pandas as pd
import pytest

import cvm
from cvm.exceptions import (
    InvalidValueError,
    LengthMismatchError,
    SerializationError,
    UnknownNameError,
)

# (criterion name, condition JSON, reason codes of the 4 customers of `data()`), from
# cvm-core/tests/it/selection.rs.
CRITERIA = [
    ('ge', '{"attr": "margin", "op": ">=", "value": 1000}', ['ge:pass(margin=1234.5>=1000)', 'ge:fail(margin=800<1000)', 'ge:pass(margin=1000>=1000)', 'ge:missing(margin=NA)']),
    ('gt', '{"attr": "margin", "op": ">", "value": 1000}', ['gt:pass(margin=1234.5>1000)', 'gt:fail(margin=800<=1000)', 'gt:fail(margin=1000<=1000)', 'gt:missing(margin=NA)']),
    ('lt', '{"attr": "margin", "op": "<", "value": 1000}', ['lt:fail(margin=1234.5>=1000)', 'lt:pass(margin=800<1000)', 'lt:fail(margin=1000>=1000)', 'lt:missing(margin=NA)']),
    ('le', '{"attr": "margin", "op": "<=", "value": 800}', ['le:fail(margin=1234.5>800)', 'le:pass(margin=800<=800)', 'le:fail(margin=1000>800)', 'le:missing(margin=NA)']),
    ('eq', '{"attr": "margin", "op": "==", "value": 800}', ['eq:fail(margin=1234.5!=800)', 'eq:pass(margin=800==800)', 'eq:fail(margin=1000!=800)', 'eq:missing(margin=NA)']),
    ('ne', '{"attr": "margin", "op": "!=", "value": 800}', ['ne:pass(margin=1234.5!=800)', 'ne:fail(margin=800==800)', 'ne:pass(margin=1000!=800)', 'ne:missing(margin=NA)']),
    ('beq', '{"attr": "partner", "op": "==", "value": true}', ['beq:pass(partner=true==true)', 'beq:fail(partner=false!=true)', 'beq:missing(partner=NA)', 'beq:pass(partner=true==true)']),
    ('bne', '{"attr": "partner", "op": "!=", "value": true}', ['bne:fail(partner=true==true)', 'bne:pass(partner=false!=true)', 'bne:missing(partner=NA)', 'bne:fail(partner=true==true)']),
    ('seq', '{"attr": "segment", "op": "==", "value": "gold"}', ['seq:pass(segment=gold==gold)', 'seq:fail(segment=silver!=gold)', 'seq:fail(segment=bronze!=gold)', 'seq:missing(segment=NA)']),
    ('sne', '{"attr": "segment", "op": "!=", "value": "gold"}', ['sne:fail(segment=gold==gold)', 'sne:pass(segment=silver!=gold)', 'sne:pass(segment=bronze!=gold)', 'sne:missing(segment=NA)']),
    ('btw', '{"attr": "margin", "op": "between", "lo": 800, "hi": 1000}', ['btw:fail(margin=1234.5 not in [800,1000])', 'btw:pass(margin=800 in [800,1000])', 'btw:pass(margin=1000 in [800,1000])', 'btw:missing(margin=NA)']),
    ('btwx', '{"attr": "margin", "op": "between", "lo": 800, "hi": 1000, "inclusive": false}', ['btwx:fail(margin=1234.5 not in (800,1000))', 'btwx:fail(margin=800 not in (800,1000))', 'btwx:fail(margin=1000 not in (800,1000))', 'btwx:missing(margin=NA)']),
    ('inn', '{"attr": "margin", "op": "in", "values": [800, 1234.5]}', ['inn:pass(margin=1234.5 in {800,1234.5})', 'inn:pass(margin=800 in {800,1234.5})', 'inn:fail(margin=1000 not in {800,1234.5})', 'inn:missing(margin=NA)']),
    ('ins', '{"attr": "segment", "op": "in", "values": ["gold", "silver", "platinum"]}', ['ins:pass(segment=gold in {gold,silver,platinum})', 'ins:pass(segment=silver in {gold,silver,platinum})', 'ins:fail(segment=bronze not in {gold,silver,platinum})', 'ins:missing(segment=NA)']),
    ('inb', '{"attr": "partner", "op": "in", "values": [false]}', ['inb:fail(partner=true not in {false})', 'inb:pass(partner=false in {false})', 'inb:missing(partner=NA)', 'inb:fail(partner=true not in {false})']),
    ('mm', '{"attr": "margin", "op": "is_missing"}', ['mm:fail(margin=1234.5 is not missing)', 'mm:fail(margin=800 is not missing)', 'mm:fail(margin=1000 is not missing)', 'mm:pass(margin=NA is missing)']),
    ('mp', '{"attr": "partner", "op": "is_missing"}', ['mp:fail(partner=true is not missing)', 'mp:fail(partner=false is not missing)', 'mp:pass(partner=NA is missing)', 'mp:fail(partner=true is not missing)']),
    ('ms', '{"attr": "segment", "op": "is_missing"}', ['ms:fail(segment=gold is not missing)', 'ms:fail(segment=silver is not missing)', 'ms:fail(segment=bronze is not missing)', 'ms:pass(segment=NA is missing)']),
    ('all', '{"all": [{"attr": "margin", "op": ">=", "value": 1000}, {"attr": "partner", "op": "==", "value": true}]}', ['all:pass(margin=1234.5>=1000; partner=true==true)', 'all:fail(margin=800<1000; partner=false!=true)', 'all:missing(margin=1000>=1000; partner=NA)', 'all:missing(margin=NA; partner=true==true)']),
    ('any', '{"any": [{"attr": "margin", "op": ">=", "value": 1000}, {"attr": "partner", "op": "==", "value": true}]}', ['any:pass(margin=1234.5>=1000; partner=true==true)', 'any:fail(margin=800<1000; partner=false!=true)', 'any:pass(margin=1000>=1000; partner=NA)', 'any:pass(margin=NA; partner=true==true)']),
    ('not', '{"not": {"attr": "margin", "op": ">=", "value": 1000}}', ['not:fail(margin=1234.5>=1000)', 'not:pass(margin=800<1000)', 'not:fail(margin=1000>=1000)', 'not:missing(margin=NA)']),
    ('nested', '{"all": [{"not": {"attr": "segment", "op": "is_missing"}}, {"any": [{"attr": "segment", "op": "==", "value": "bronze"}, {"attr": "margin", "op": ">=", "value": 1000}]}]}', ['nested:pass(segment=gold is not missing; segment=gold!=bronze; margin=1234.5>=1000)', 'nested:fail(segment=silver is not missing; segment=silver!=bronze; margin=800<1000)', 'nested:pass(segment=bronze is not missing; segment=bronze==bronze; margin=1000>=1000)', 'nested:fail(segment=NA is missing; segment=NA; margin=NA)']),
]
HARD = ('bronze', '{"attr": "segment", "op": "in", "values": ["bronze"]}', ['bronze:miss(segment=gold not in {bronze})', 'bronze:miss(segment=silver not in {bronze})', 'bronze:hit(segment=bronze in {bronze})', 'bronze:missing(segment=NA)'])


def data(index=("a", "b", "c", "d")):
    """The 4-customer table of the core tests: numeric, nullable boolean and categorical."""
    return pd.DataFrame(
        {
            "margin": [1234.5, 800.0, 1000.0, np.nan],
            "partner": pd.array([True, False, None, True], dtype="boolean"),
            "segment": pd.Categorical(["gold", "silver", "bronze", None], categories=["gold", "silver", "bronze"]),
        },
        index=list(index),
    )


def document(criteria, hard=(), bands=None, missing=None):
    doc = {
        "version": 1,
        "criteria": [
            {"name": n, "weight": 1, "condition": json.loads(c)} for n, c in criteria
        ],
        "hard": [{"name": n, "condition": json.loads(c), "decision": "decline"} for n, c in hard],
        "decisions": bands
        or [{"decision": "yes", "min": len(criteria) // 2 + 1}, {"decision": "no", "max": len(criteria) // 2 + 1}],
    }
    if missing is not None:
        doc["missing"] = missing
    return doc


@pytest.mark.parametrize("name,cond,want", CRITERIA, ids=[c[0] for c in CRITERIA])
def test_every_condition_and_combinator_exact_reason_codes(name, cond, want):
    rules = cvm.SelectionRules.from_dict(document([(name, cond)], bands=[{"decision": "yes", "min": 1}, {"decision": "no", "max": 1}]))
    out = rules.evaluate(data())
    assert out["reasons"].tolist() == [[w] for w in want]
    passed = [w.split(":")[1].startswith("pass") for w in want]
    assert out["decision"].tolist() == ["yes" if p else "no" for p in passed]
    np.testing.assert_allclose(out["score"], [float(p) for p in passed], atol=1e-15)


def test_all_rules_together_scores_decisions_counts():
    doc = document([(n, c) for n, c, _ in CRITERIA], hard=[HARD[:2]],
                   bands=[{"decision": "yes", "min": 9}, {"decision": "no", "max": 9}])
    rules = cvm.SelectionRules.from_dict(doc)
    out = rules.evaluate(data())
    assert list(out.index) == ["a", "b", "c", "d"]
    assert list(out.columns) == ["decision", "score", "fired_rule", "strategy", "reasons"]
    for r, row in enumerate(out["reasons"]):
        assert row == [c[2][r] for c in CRITERIA] + [HARD[2][r]]
    np.testing.assert_allclose(out["score"], [10, 10, 7, 4], atol=1e-15)
    assert out["decision"].tolist() == ["yes", "yes", "decline", "no"]
    assert list(out["decision"].cat.categories) == ["yes", "no", "decline"]
    assert out["fired_rule"].tolist() == [None, None, "bronze", None]
    assert out.attrs["counts"] == {"yes": 2, "no": 1, "decline": 1}
    assert rules.counts(data()).to_dict() == {"yes": 2, "no": 1, "decline": 1}
    assert rules.rule_names == [c[0] for c in CRITERIA] + ["bronze"]
    assert rules.attributes == ["margin", "partner", "segment"]
    fast = rules.evaluate(data(), reasons=False)
    assert "reasons" not in fast.columns
    assert fast["decision"].tolist() == out["decision"].tolist()


SCORED = {
    "version": 1,
    "criteria": [
        {"name": "profitability", "weight": 0.6, "condition": {"attr": "margin", "op": ">=", "value": 1000}},
        {"name": "partnership", "weight": 0.4, "condition": {"attr": "partner", "op": "==", "value": True}},
        {"name": "silver_penalty", "weight": -0.5, "condition": {"attr": "segment", "op": "==", "value": "silver"}},
    ],
    "hard": [{"name": "bronze_veto", "condition": {"attr": "segment", "op": "==", "value": "bronze"}, "decision": "decline"}],
    "decisions": [
        {"decision": "target", "min": 0.7},
        {"decision": "develop", "min": 0.4, "max": 0.7},
        {"decision": "maintain", "min": 0, "max": 0.4},
        {"decision": "review", "max": 0},
    ],
}


def test_scores_hard_rules_and_the_three_missing_policies():
    out = cvm.SelectionRules.from_dict(SCORED).evaluate(data())
    assert out["decision"].tolist() == ["target", "review", "decline", "develop"]
    np.testing.assert_allclose(out["score"], [1.0, -0.5, 0.6, 0.4], atol=1e-15)
    assert out.loc["d", "reasons"] == [
        "profitability:missing(margin=NA)",
        "partnership:pass(partner=true==true)",
        "silver_penalty:missing(segment=NA)",
        "bronze_veto:missing(segment=NA)",
    ]
    assert out.loc["c", "reasons"][3] == "bronze_veto:hit(segment=bronze==bronze)"
    assert out.attrs["counts"] == {"target": 1, "develop": 1, "maintain": 0, "review": 1, "decline": 1}
    decide = cvm.SelectionRules.from_dict({**SCORED, "missing": {"decide": "check_data"}})
    assert decide.evaluate(data())["decision"].tolist() == ["target", "review", "decline", "check_data"]
    strict = cvm.SelectionRules.from_dict({**SCORED, "missing": "error"})
    with pytest.raises(InvalidValueError) as e:
        strict.evaluate(data())
    assert (e.value.field, e.value.index) == ("partner", 2)


def test_json_round_trip_is_lossless():
    doc = document([(n, c) for n, c, _ in CRITERIA], hard=[HARD[:2]])
    doc["criteria"][0]["weight"] = 0.1 + 0.2  # not exactly representable in short decimal
    doc["decisions"] = [{"decision": "yes", "min": 0.30000000000000004}, {"decision": "no", "max": 0.30000000000000004}]
    rules = cvm.SelectionRules.from_dict(doc)
    text = rules.to_json()
    back = cvm.SelectionRules.from_json(text)
    assert back == rules
    assert back.to_json() == text
    assert back.to_dict()["criteria"][0]["weight"] == 0.1 + 0.2
    for preset in (cvm.rules.good_customer(), cvm.rules.big_customer_risk(),
                   cvm.rules.elastic_customer(), cvm.rules.dormant_account(max_cash=60.5)):
        assert cvm.SelectionRules.from_json(preset.to_json()) == preset
        assert cvm.SelectionRules.from_dict(preset.to_dict()) == preset


def test_rules_pickle_and_copy_through_their_document():
    import copy
    import pickle

    for preset in (cvm.rules.good_customer(), cvm.rules.dormant_account(max_cash=60.5)):
        back = pickle.loads(pickle.dumps(preset))
        assert back == preset and back.to_json() == preset.to_json()
        assert copy.deepcopy(preset) == preset
        assert copy.copy(preset) == preset


def _replace(doc_text, old, new):
    assert old in doc_text, old
    return doc_text.replace(old, new, 1)


BASE = json.dumps(SCORED)


@pytest.mark.parametrize(
    "old,new,path",
    [
        ('"decision": "review", "max": 0}]}', '"decision": "review", "max": 0}]', "$"),  # malformed
        ('"op": ">="', '"op": "=>"', "$.criteria[0].condition.op"),  # unknown operator
        ('"weight": 0.6', '"weight": "NaN"', "$.criteria[0].weight"),  # NaN weight
        ('"weight": 0.6', '"weight": NaN', "$"),  # NaN is not JSON
        ('{"attr": "margin", "op": ">=", "value": 1000}', '{"any": []}', "$.criteria[0].condition.any"),
        ('{"attr": "margin", "op": ">=", "value": 1000}', '{"all": []}', "$.criteria[0].condition.all"),
        ('"min": 0.4, "max": 0.7', '"min": 0.5, "max": 0.7', "$.decisions"),  # gap
        ('"min": 0.4, "max": 0.7', '"min": 0.3, "max": 0.7', "$.decisions[1]"),  # overlap
        ('"op": ">=", "value": 1000', '"op": ">=", "value": "high"', "$.criteria[0].condition.op"),
        ('"weight": 0.4,', '"weight": 0.4, "wieght": 1,', "$.criteria[1].wieght"),
        ('"name": "partnership"', '"name": "profitability"', "$.criteria[1].name"),
        ('"version": 1', '"version": 2', "$.version"),
    ],
)
def test_bad_documents_carry_the_json_path(old, new, path):
    with pytest.raises(SerializationError) as e:
        cvm.SelectionRules.from_json(_replace(BASE, old, new))
    assert e.value.field == path
    assert e.value.index is None
    assert isinstance(e.value, ValueError)


def test_nan_weight_in_a_dict_and_unknown_policy():
    bad = json.loads(BASE)
    bad["criteria"][0]["weight"] = float("nan")
    with pytest.raises(SerializationError) as e:
        cvm.SelectionRules.from_dict(bad)
    assert e.value.field == "$"
    with pytest.raises(SerializationError) as e:
        cvm.SelectionRules.from_dict({**SCORED, "missing": "skip"})
    assert e.value.field == "$.missing"


def test_nesting_deeper_than_the_limit_is_rejected():
    # Conditions are trees (no references, so no cycles); runaway nesting is bounded.
    cond = {"attr": "margin", "op": "is_missing"}
    for _ in range(70):
        cond = {"not": cond}
    doc = {**SCORED, "criteria": [{"name": "deep", "weight": 1, "condition": cond}],
           "decisions": [{"decision": "yes", "min": 1}, {"decision": "no", "max": 1}]}
    doc.pop("hard")
    with pytest.raises(SerializationError) as e:
        cvm.SelectionRules.from_dict(doc)
    assert e.value.field == "$.criteria[0].condition" + ".not" * 65  # deeper than 64 levels


@pytest.mark.parametrize(
    "cond,path",
    [
        ({"attr": "revenue", "op": ">=", "value": 1}, "$.criteria[0].condition.attr"),
        ({"attr": "segment", "op": "==", "value": 1}, "$.criteria[0].condition.value"),
        ({"attr": "margin", "op": "==", "value": "gold"}, "$.criteria[0].condition.value"),
        ({"attr": "partner", "op": "==", "value": 1}, "$.criteria[0].condition.value"),
        ({"all": [{"attr": "margin", "op": "is_missing"}, {"attr": "margin", "op": "in", "values": ["a"]}]},
         "$.criteria[0].condition.all[1].values[0]"),
        ({"not": {"any": [{"attr": "nope", "op": "is_missing"}]}}, "$.criteria[0].condition.not.any[0].attr"),
    ],
)
def test_unknown_attribute_and_type_mismatch(cond, path):
    rules = cvm.SelectionRules.from_dict({
        "version": 1,
        "criteria": [{"name": "c", "weight": 1, "condition": cond}],
        "decisions": [{"decision": "yes", "min": 1}, {"decision": "no", "max": 1}],
    })
    with pytest.raises(InvalidValueError) as e:
        rules.evaluate(data())
    assert (e.value.field, e.value.index) == (path, None)


def test_pandas_column_kinds_convert_like_the_core_table():
    rules = cvm.SelectionRules.from_dict(document([(n, c) for n, c, _ in CRITERIA]))
    want = rules.evaluate(data())["reasons"].tolist()
    variants = [
        # nullable Float64 with NA, object booleans with None, plain strings with None
        pd.DataFrame({
            "margin": pd.array([1234.5, 800.0, 1000.0, None], dtype="Float64"),
            "partner": [True, False, None, True],
            "segment": ["gold", "silver", "bronze", None],
        }),
        # pandas string dtype, float NaN in an object column of labels
        pd.DataFrame({
            "margin": [1234.5, 800.0, 1000.0, np.nan],
            "partner": pd.array([True, False, pd.NA, True], dtype="boolean"),
            "segment": pd.array(["gold", "silver", "bronze", None], dtype="string"),
        }),
    ]
    for df in variants:
        assert df.assign(extra=1)[["margin", "partner", "segment", "extra"]].pipe(rules.evaluate)["reasons"].tolist() == want
    ints = pd.DataFrame({"n": pd.array([1, None, 3], dtype="Int64"), "flag": [True, False, True]})
    r = cvm.SelectionRules.from_dict({
        "version": 1,
        "criteria": [{"name": "big", "weight": 1, "condition": {"attr": "n", "op": ">", "value": 2}},
                     {"name": "f", "weight": 1, "condition": {"attr": "flag", "op": "==", "value": True}}],
        "decisions": [{"decision": "yes", "min": 2}, {"decision": "no", "max": 2}],
    })
    out = r.evaluate(ints)
    assert out["reasons"].tolist() == [
        ["big:fail(n=1<=2)", "f:pass(flag=true==true)"],
        ["big:missing(n=NA)", "f:fail(flag=false!=true)"],
        ["big:pass(n=3>2)", "f:pass(flag=true==true)"],
    ]
    assert out["decision"].tolist() == ["no", "no", "yes"]
    with pytest.raises(InvalidValueError) as e:
        r.evaluate(ints.assign(n=pd.to_datetime(["2024-01-01"] * 3)))
    assert e.value.field == "n"


def test_rules_without_attributes_decide_every_row():
    rules = cvm.SelectionRules.from_dict({"version": 1, "decisions": [{"decision": "all"}]})
    out = rules.evaluate(pd.DataFrame({"x": [1, 2, 3]}, index=[7, 8, 9]))
    assert out["decision"].tolist() == ["all"] * 3
    assert out["reasons"].tolist() == [[], [], []]
    assert list(out.index) == [7, 8, 9]


DORMANT = pd.DataFrame(
    {
        # acct6: holdings missing, the rest dormant -> unknown (never a confident active);
        # acct7: holdings missing but cash above the limit -> active whatever the holdings.
        "holdings_balance": [0.0, 0.0, 0.0, 0.01, 0.0, 0.0, np.nan, np.nan],
        "cash_balance": [100.0, 55.5, 100.01, 20.0, 20.0, 0.0, 10.0, 500.0],
        "years_since_last_trade": [3.0, 7.0, 5.0, 4.0, 2.99, 3.0, 9.0, 9.0],
    },
    index=[f"acct{i}" for i in range(8)],
)


def test_dormant_account_method_example():
    out = cvm.rules.dormant_account().evaluate(DORMANT)
    # Exactly 3 years (acct0, acct5) is dormant: the threshold is reached at equality.
    assert out["decision"].tolist() == [
        "dormant", "dormant", "active", "active", "active", "dormant", "unknown", "active"]
    assert [" | ".join(r) for r in out["reasons"]] == [
        "holdings:pass(holdings_balance=0<=0) | cash:pass(cash_balance=100<=100) | inactive:pass(years_since_last_trade=3>=3)",
        "holdings:pass(holdings_balance=0<=0) | cash:pass(cash_balance=55.5<=100) | inactive:pass(years_since_last_trade=7>=3)",
        "holdings:pass(holdings_balance=0<=0) | cash:fail(cash_balance=100.01>100) | inactive:pass(years_since_last_trade=5>=3)",
        "holdings:fail(holdings_balance=0.01>0) | cash:pass(cash_balance=20<=100) | inactive:pass(years_since_last_trade=4>=3)",
        "holdings:pass(holdings_balance=0<=0) | cash:pass(cash_balance=20<=100) | inactive:fail(years_since_last_trade=2.99<3)",
        "holdings:pass(holdings_balance=0<=0) | cash:pass(cash_balance=0<=100) | inactive:pass(years_since_last_trade=3>=3)",
        "holdings:missing(holdings_balance=NA) | cash:pass(cash_balance=10<=100) | inactive:pass(years_since_last_trade=9>=3)",
        "holdings:missing(holdings_balance=NA) | cash:fail(cash_balance=500>100) | inactive:pass(years_since_last_trade=9>=3)",
    ]
    assert list(out.index) == list(DORMANT.index)
    assert out["strategy"].isna().all()
    assert out.attrs["warnings"] == []
    custom = cvm.rules.dormant_account(max_cash=60.0, min_years_inactive=5.0, cash_column="cash")
    out = custom.evaluate(DORMANT.rename(columns={"cash_balance": "cash"}))
    assert out["decision"].tolist() == [
        "active", "dormant", "active", "active", "active", "active", "unknown", "active"]
    assert out["reasons"].iloc[0][1] == "cash:fail(cash=100>60)"
    with pytest.raises(InvalidValueError) as e:
        custom.evaluate(DORMANT)
    assert e.value.field == "$.criteria[1].condition.attr"


def test_concentration_warning():
    df = pd.DataFrame({"holdings_balance": [500.0] * 20, "cash_balance": [80.0] * 20,
                       "years_since_last_trade": [4.0] * 20})
    with pytest.warns(cvm.ConcentrationWarning, match=r"20 of 20 customers \(100%\) got `active`"):
        out = cvm.rules.dormant_account().evaluate(df)
    [w] = out.attrs["warnings"]
    assert (w["decision"], w["count"], w["total"]) == ("active", 20, 20)
    assert w["share"] == pytest.approx(1.0, abs=1e-15)
    # 18 of 20 (90 %) is not more than 90 %: no warning.
    df.loc[:1, "holdings_balance"] = 0.0
    assert cvm.rules.dormant_account().evaluate(df).attrs["warnings"] == []


ELASTIC = pd.DataFrame({
    # Row 5: industry_growing missing, two other qualifiers met -> elastic whatever it says.
    "current_value": [-200.0, 300.0, -200.0, -50.0, -200.0, -200.0],
    "lifetime_value": [5000.0, 8000.0, 5000.0, 900.0, 5000.0, 5000.0],
    "implicit_value_ratio": [1.5, 2.0, 1.5, 1.2, 1.5, 1.5],
    "purchase_frequency": [30.0, 30.0, 30.0, 4.0, 30.0, 30.0],
    "avg_transaction_value": [40.0, 40.0, 40.0, 400.0, 40.0, 40.0],
    "discount_share": [0.15, 0.15, 0.15, 0.05, 0.15, 0.05],
    "industry_growing": pd.array([True, True, True, False, True, None], dtype="boolean"),
    "innovative": [True, True, True, False, True, False],
    "market_influence": [False] * 6,
    "within_service_capacity": [True, True, False, True, True, True],
    "financially_sound": pd.array([True, True, True, True, None, True], dtype="boolean"),
    "enterprising": [False] * 6,
})


def test_elastic_customer():
    out = cvm.rules.elastic_customer().evaluate(ELASTIC)
    assert out["decision"].tolist() == ["elastic", "not_elastic", "decline", "review", "review", "elastic"]
    np.testing.assert_allclose(out["score"], [3, 3, 3, 1, 3, 2], atol=1e-15)
    # The source's service strategies: the innovative customer is maintained with effort, the
    # other elastic one becomes a partner; the others have none.
    assert out["strategy"].tolist() == [
        "try hard to maintain; build switching barriers", None, None, None, None,
        "partnership: help the customer find profit, grow its loyalty; build switching barriers"]
    assert out["reasons"][5][0] == "growing_industry:missing(industry_growing=NA)"
    assert out["reasons"][0] == [
        "growing_industry:pass(industry_growing=true==true)",
        "frequent_small_transactions:pass(purchase_frequency=30>=12; avg_transaction_value=40<=100)",
        "price_insensitive:fail(discount_share=0.15>0.1)",
        "innovation:pass(innovative=true==true)",
        "market_influence:fail(market_influence=false!=true)",
        "enterprising:fail(enterprising=false!=true)",
        "short_term_value:miss(current_value=-200<0)",
        "lifetime_value:miss(lifetime_value=5000>0)",
        "implicit_value:miss(implicit_value_ratio=1.5>=1)",
        "service_capacity:miss(within_service_capacity=true!=false)",
        "finances:miss(financially_sound=true!=false)",
    ]
    assert out["fired_rule"][1] == "short_term_value"
    assert out["reasons"][1][6] == "short_term_value:hit(current_value=300>=0)"
    assert out["reasons"][2][9] == "service_capacity:hit(within_service_capacity=false==false)"
    assert out["reasons"][4][10] == "finances:missing(financially_sound=NA)"


CUSTOMERS = pd.DataFrame({
    "annual_spend": [25_000.0, 25_000.0, 12_000.0, 900.0],
    "purchase_frequency": [24.0, 24.0, 6.0, 2.0],
    "high_margin_share": [0.45, 0.45, 0.35, 0.05],
    "profit_margin": [0.22, 0.22, 0.18, 0.02],
    "discount_share": [0.04, 0.04, 0.25, 0.30],
    "days_late": [5.0, 5.0, 10.0, 75.0],
    "bad_debt": [0.0, 1500.0, 0.0, 0.0],
    "service_cost_ratio": [0.05, 0.05, 0.08, 0.20],
    "tenure_years": [6.0, 6.0, 1.0, 0.5],
    "repeat_rate": [0.8, 0.8, 0.6, 0.1],
    "p_alive": [0.95, 0.95, 0.9, np.nan],
    "clv_growth": [1.5, 1.5, 1.1, 0.9],
    "willing_to_partner": [True, True, True, False],
    "credit_score": [720.0, 720.0, 650.0, 500.0],
    "revenue_share": [0.4, 0.3, 0.25, 0.05],
    # Row 2 does not say whether it teaches the firm; row 0 whether it fits the strategy.
    "teaches_firm": pd.array([True, True, None, False], dtype="boolean"),
    "strategic_fit": pd.array([None, True, True, False], dtype="boolean"),
    "cross_territory_selling": [False, False, True, False],
    "unauthorised_price_change": [False, False, False, True],
    "going_it_alone": [False, True, False, False],
})


def test_good_customer_and_big_customer_risk():
    out = cvm.rules.good_customer().evaluate(CUSTOMERS)
    # Row 0: 11 pass, strategic_fit missing -> target either way; row 2: 6 pass, teaches_firm
    # missing -> maintain or develop, so review.
    assert out["decision"].tolist() == ["target", "decline", "review", "review"]
    np.testing.assert_allclose(out["score"], [11, 12, 6, 0], atol=1e-15)
    assert out["reasons"][2] == [
        "purchase_capacity:fail(annual_spend=12000<25000 (p75); purchase_frequency=6<24 (p75))",
        "high_margin_focus:pass(high_margin_share=0.35>=0.3)",
        "profitability:pass(profit_margin=0.18>=0.15)",
        "price_insensitivity:fail(discount_share=0.25>0.1)",
        "timely_payment:pass(days_late=10<=30)",
        "credit_standing:fail(credit_score=650<685 (p50))",
        "low_service_cost:pass(service_cost_ratio=0.08<=0.1)",
        "loyalty:fail(tenure_years=1<2; repeat_rate=0.6>=0.5; p_alive=0.9>=0.7)",
        "growth_potential:fail(clv_growth=1.1<1.2)",
        "partnership:pass(willing_to_partner=true==true)",
        "teaches_firm:missing(teaches_firm=NA)",
        "strategic_fit:pass(strategic_fit=true==true)",
        "bad_debt:miss(bad_debt=0<=0)",
    ]
    assert out["reasons"][1][12] == "bad_debt:hit(bad_debt=1500>0)"
    assert out["reasons"][3][7] == "loyalty:fail(tenure_years=0.5<2; repeat_rate=0.1<0.5; p_alive=NA)"
    # Absolute thresholds, a renamed column, row 2 teaching the firm.
    custom = cvm.rules.good_customer(min_annual_spend=10_000.0, min_purchase_frequency=6.0,
                                     min_clv_growth=1.1, columns={"clv_growth": "growth"})
    df = CUSTOMERS.rename(columns={"clv_growth": "growth"}).assign(teaches_firm=[True, True, True, False])
    out = custom.evaluate(df)
    assert out["score"][2] == 9.0
    assert out["decision"][2] == "target"
    # Criteria left out: bands are shares of those kept (3 kept: target 3, develop 2, maintain 1).
    kept = cvm.rules.good_customer(omit=["high_margin_focus", "profitability", "price_insensitivity",
                                         "timely_payment", "credit_standing", "low_service_cost",
                                         "partnership", "teaches_firm", "strategic_fit"])
    assert kept.rule_names == ["purchase_capacity", "loyalty", "growth_potential", "bad_debt"]
    assert kept.evaluate(CUSTOMERS)["decision"].tolist() == ["target", "decline", "review", "review"]
    with pytest.raises(UnknownNameError) as e:
        cvm.rules.good_customer(omit=["nope"])
    assert e.value.field == "omit"
    # Big = top 20 % of revenue share (p80 = 0.34): only row 0; with an absolute 0.1, rows 0-2.
    risk = cvm.rules.big_customer_risk().evaluate(CUSTOMERS)
    assert risk["decision"].tolist() == ["low_risk", "not_big", "not_big", "not_big"]
    assert risk["reasons"][1][6] == "not_big:hit(revenue_share=0.3<0.34 (p80))"
    risk = cvm.rules.big_customer_risk(min_revenue_share=0.1).evaluate(CUSTOMERS)
    assert risk["decision"].tolist() == ["low_risk", "high_risk", "high_risk", "not_big"]
    assert risk["reasons"][2][4] == (
        "management_risk:pass(cross_territory_selling=true==true; unauthorised_price_change=false!=true)")
    assert risk["reasons"][1][5] == "go_it_alone_risk:pass(going_it_alone=true==true)"


def test_selection_principles_presets():
    df = pd.DataFrame({"segment": pd.Categorical(["premium", "budget", None])})
    out = cvm.rules.positioning_fit(["premium"]).evaluate(df)
    assert out["decision"].tolist() == ["fit", "misfit", "review"]
    assert out["reasons"][1] == ["positioning:fail(segment=budget not in {premium})"]
    df = pd.DataFrame({"relative_size": [1.0, 5.0, 0.1, np.nan, 0.5],
                       "relative_strength": [1.5, 1.0, 0.2, 1.0, 2.0]})
    out = cvm.rules.matching_partner().evaluate(df)
    # Row 4 sits exactly on both bounds: inclusive, matching.
    assert out["decision"].tolist() == ["matching", "partial", "mismatched", "review", "matching"]
    with pytest.raises(InvalidValueError) as e:
        cvm.rules.matching_partner(min_relative_size=3.0)
    assert e.value.field == "min_relative_size"


def test_preset_errors():
    with pytest.raises(UnknownNameError) as e:
        cvm.rules.big_customer_risk(max_discount=0.3)
    assert e.value.field == "options"
    assert "max_discount_share" in e.value.valid
    with pytest.raises(InvalidValueError) as e:
        cvm.rules.good_customer(min_p_alive=float("nan"))
    assert e.value.field == "min_p_alive"
    with pytest.raises(InvalidValueError) as e:
        cvm.rules.dormant_account(max_cash=float("inf"))
    assert e.value.field == "max_cash"
    with pytest.raises(InvalidValueError) as e:
        cvm.rules.dormant_account(cash_column="")
    assert e.value.field == "cash_column"
    with pytest.raises(InvalidValueError) as e:
        cvm.rules.elastic_customer(columns={"discount_share": "d", "nope": "x"})
    assert (e.value.field, e.value.index) == ("columns", 1)
    with pytest.raises(InvalidValueError) as e:
        cvm.rules.elastic_customer(min_qualifiers="two")
    assert e.value.field == "min_qualifiers"
    with pytest.raises(InvalidValueError) as e:
        cvm.rules.dormant_account().rename_attribute("cash", "c")
    assert e.value.field == "cash"
    assert cvm.rules.names() == ["good_customer", "big_customer_risk", "elastic_customer", "dormant_account",
                                 "positioning_fit", "matching_partner"]
    with pytest.raises(UnknownNameError) as e:
        cvm.rules.good_customer(omit=["teaches_the_firm"])
    assert e.value.field == "omit"
    assert "teaches_firm" in e.value.valid
    with pytest.raises(InvalidValueError, match="every criterion is left out") as e:
        cvm.rules.good_customer(omit=list(cvm.rules.good_customer().rule_names[:-1]))
    assert e.value.field == "omit"
    with pytest.raises(InvalidValueError) as e:
        cvm.rules.good_customer(spend_quantile=1.5)
    assert e.value.field == "spend_quantile"
    with pytest.raises(InvalidValueError) as e:
        cvm.rules.big_customer_risk(big_quantile=-0.1)
    assert e.value.field == "big_quantile"
    with pytest.raises(InvalidValueError) as e:
        cvm.rules.matching_partner(min_relative_size=float("nan"))
    assert e.value.field == "min_relative_size"


PROFIT = pd.DataFrame(
    [
        [1000, 1010, 990, 1000],
        [1600, 1400, 1200, 1000],
        [100, 200, 300, 400],
        [200, 210, 190, 200],
        [1000, 1200, 1400, 1600],
        [500, 400, 300, 200],
    ],
    index=list("uvwxyz"),
    dtype=float,
)


def test_relationship_trend():
    r = cvm.relationship_trend(PROFIT, high_level=900, slope_tolerance=50, slope_scale="absolute")
    assert list(r.index) == list("uvwxyz")
    assert r["trend"].tolist() == ["high_stable", "high_declining", "low_rising", "low_stable", "high_rising", "low_declining"]
    np.testing.assert_allclose(r["slope"], [-2, -200, 100, -2, 200, -100], atol=1e-12)
    np.testing.assert_allclose(r["level"], [1000, 1300, 250, 200, 1300, 350], atol=1e-12)
    assert r.loc["u", "reason"] == "high_stable(level=1000>=900; slope=-2 in [-50,50])"
    assert r.loc["w", "reason"] == "low_rising(level=250<900; slope=100>50)"
    assert r.loc["z", "reason"] == "low_declining(level=350<900; slope=-100<-50)"
    rel = cvm.relationship_trend(PROFIT)
    assert rel.attrs["high_level"] == 675.0
    assert rel["trend"]["x"] == "low_stable"
    np.testing.assert_allclose(cvm.relationship_trend(PROFIT.to_numpy())["slope"], rel["slope"], atol=0)
    bad = PROFIT.copy()
    bad.iloc[1, 2] = np.nan
    with pytest.raises(InvalidValueError) as e:
        cvm.relationship_trend(bad)
    assert (e.value.field, e.value.index) == ("profit", 6)
    with pytest.raises(InvalidValueError) as e:
        cvm.relationship_trend(PROFIT[[0]])
    assert e.value.field == "n_periods"
    with pytest.raises(UnknownNameError) as e:
        cvm.relationship_trend(PROFIT, slope_scale="percent")
    assert e.value.field == "slope_scale"


def test_lookalike():
    loyal = pd.DataFrame({"spend": [90.0, 100.0, 110.0], "visits": [8.0, 10.0, 12.0]})
    cand = pd.DataFrame({"spend": [110.0, 100.0, 90.0, 130.0, 100.0], "visits": [12.0, 10.0, 8.0, 10.0, 6.0]},
                        index=[10, 11, 12, 13, 14])
    top = cvm.lookalike(cand, loyal, ["spend", "visits"], k=4)
    assert list(top.index) == [11, 10, 12, 14]
    np.testing.assert_allclose(top["distance"], [0.0, 1.0, 1.0, np.sqrt(2.0)], atol=1e-12)
    np.testing.assert_allclose(top["similarity"], [1.0, 0.5, 0.5, 1 / (1 + np.sqrt(2.0))], atol=1e-15)
    assert top["rank"].tolist() == [1, 2, 3, 4]
    assert list(cvm.lookalike(cand, loyal, ["spend"], k=99).index) == [11, 14, 10, 12, 13]
    pooled = cvm.lookalike(cand, loyal, ["visits"], k=5, standardization="pooled")
    sd = np.sqrt(30.0 / 7.0)
    np.testing.assert_allclose(pooled.loc[14, "distance"], abs(6 - 10) / sd, atol=1e-12)
    with pytest.raises(InvalidValueError) as e:
        cvm.lookalike(cand, loyal, ["spend", "age"], k=2)
    assert (e.value.field, e.value.index) == ("features", 1)
    with pytest.raises(InvalidValueError) as e:
        cvm.lookalike(cand.assign(spend=[1.0, np.nan, 1.0, 1.0, 1.0]), loyal, ["spend"], k=2)
    assert (e.value.field, e.value.index) == ("candidates.spend", 1)
    with pytest.raises(InvalidValueError) as e:
        cvm.lookalike(cand, loyal, ["spend"], k=0)
    assert e.value.field == "k"
    with pytest.raises(UnknownNameError):
        cvm.lookalike(cand, loyal, ["spend"], k=1, standardization="global")


def test_a_criterion_states_its_own_missing_policy():
    """docs/rules.md, Missing values: a condition reads a missing value as a miss or a pass."""
    doc = {
        "version": 1,
        "criteria": [
            {"name": "spend", "weight": 1, "condition": {"attr": "spend", "op": ">=", "value": 10}},
            {"name": "vip", "weight": 1, "condition": {"any": [
                {"attr": "vip", "op": "==", "value": True}, {"attr": "vip", "op": "is_missing"}]}},
        ],
        "hard": [{"name": "bad_debt", "decision": "decline", "condition": {"all": [
            {"attr": "bad_debt", "op": ">", "value": 0},
            {"not": {"attr": "bad_debt", "op": "is_missing"}}]}}],
        "decisions": [{"decision": "good", "min": 2}, {"decision": "review", "max": 2}],
        "missing": {"undetermined": "unknown"},
    }
    df = pd.DataFrame({
        "spend": [20.0, 20.0, 20.0],
        "vip": pd.array([pd.NA, False, True], dtype="boolean"),
        "bad_debt": [np.nan, np.nan, 5.0],
    })
    out = cvm.SelectionRules.from_dict(doc).evaluate(df)
    assert out["decision"].tolist() == ["good", "review", "decline"]
    assert out["reasons"][0][1:] == [
        "vip:pass(vip=NA; vip=NA is missing)",
        "bad_debt:miss(bad_debt=NA; bad_debt=NA is missing)",
    ]
