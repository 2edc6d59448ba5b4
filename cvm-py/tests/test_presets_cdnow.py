"""Every preset on the 2,357 CDNOW customers: no preset puts more than 90 % of them in one
outcome without a ``ConcentrationWarning`` (issue: defaults that hold on real data).

The features are what CDNOW can feed, measured at the end of calibration (1997-09-30):
``annual_spend`` = spend to date ÷ age in years, ``purchase_frequency`` = purchases ÷ age in
years, ``tenure_years`` = age, ``repeat_rate`` = repeat ÷ all purchases, ``p_alive`` and
``clv_growth`` (expected purchases in the next 52 weeks ÷ the past yearly rate) from a BG/NBD
fit, ``revenue_share`` = spend ÷ all spend, ``bad_debt`` = 0 (orders were paid when placed),
``years_since_last_trade`` = (T − recency) in years with zero balances, ``segment`` = "core" for
the top half of spend, ``relative_size`` = spend ÷ the median spend, ``relative_strength`` =
purchases ÷ the median purchases (52 weeks a year). Columns CDNOW lacks are missing everywhere.
docs/rules.md shows the same table.
"""

import warnings

import numpy as np
import pandas as pd
import pytest

import cvm

WEEKS_PER_YEAR = 52.0  # so that 0.5 years is the 26-week ladder window
SHARE = 0.9
# Criteria of good_customer CDNOW has no column for.
UNFED = [
    "high_margin_focus",
    "profitability",
    "price_insensitivity",
    "timely_payment",
    "credit_standing",
    "low_service_cost",
    "partnership",
    "teaches_firm",
    "strategic_fit",
]


@pytest.fixture(scope="module")
def features(cdnow_log, cdnow_split):
    cal = cdnow_log[cdnow_log["date"] <= "1997-09-30"]
    spend = cal.groupby("customer_id")["amount"].sum().reindex(cdnow_split.index)
    s = cdnow_split
    age = s["T"] / WEEKS_PER_YEAR
    purchases = s["frequency"] + 1
    model = cvm.BetaGeo().fit(s["frequency"], s["recency"], s["T"])
    ahead = model.expected_purchases(52.0, s["frequency"], s["recency"], s["T"])
    return pd.DataFrame(
        {
            "annual_spend": spend / age,
            "purchase_frequency": purchases / age,
            "tenure_years": age,
            "repeat_rate": s["frequency"] / purchases,
            "p_alive": model.probability_alive(s["frequency"], s["recency"], s["T"]),
            "clv_growth": np.asarray(ahead) / (purchases / age),
            "revenue_share": spend / spend.sum(),
            # CDNOW orders were paid when placed: no bad debt is known, not unknown.
            "bad_debt": 0.0,
            "holdings_balance": 0.0,
            "cash_balance": 0.0,
            "years_since_last_trade": (s["T"] - s["recency"]) / WEEKS_PER_YEAR,
            "segment": pd.Categorical(np.where(spend >= spend.median(), "core", "other")),
            "relative_size": spend / spend.median(),
            "relative_strength": purchases / purchases.median(),
        },
        index=s.index,
    )


def flags(node):
    """Attributes the rule document compares with a boolean."""
    if isinstance(node, dict):
        own = {node["attr"]} if isinstance(node.get("value"), bool) else set()
        return own.union(*(flags(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(flags(v) for v in node))
    return set()


def with_missing(rules, df, clean=False):
    """The frame plus every column the rules read and CDNOW lacks, missing everywhere
    (nullable booleans for flags, NaN for numbers); with ``clean`` they are known clean
    instead: flags false and amounts 0."""
    boolean = flags(rules.to_dict())
    absent = [a for a in rules.attributes if a not in df.columns]
    missing_flag = pd.array([False if clean else pd.NA] * len(df), dtype="boolean")
    number = 0.0 if clean else np.nan
    return df.assign(**{a: missing_flag if a in boolean else number for a in absent})


def evaluate(rules, df, clean=False):
    df = with_missing(rules, df, clean)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = rules.evaluate(df)
    concentrated = [w for w in caught if issubclass(w.category, cvm.ConcentrationWarning)]
    counts = {k: int(v) for k, v in out["decision"].value_counts().items() if v > 0}
    return counts, concentrated, out


ABSOLUTE = {"min_annual_spend": 10_000.0, "min_purchase_frequency": 12.0}
CASES = [
    ("good, absolute 10 000 / 12", lambda: cvm.rules.good_customer(**ABSOLUTE)),
    ("good, quantiles, 12 criteria", lambda: cvm.rules.good_customer()),
    ("good, absolute, 3 criteria", lambda: cvm.rules.good_customer(omit=UNFED, **ABSOLUTE)),
    ("good, quantiles, 3 criteria", lambda: cvm.rules.good_customer(omit=UNFED)),
    (
        "good, quantiles, 3 criteria, tenure 0.5",
        lambda: cvm.rules.good_customer(omit=UNFED, min_tenure_years=0.5),
    ),
    ("big customer risk", lambda: cvm.rules.big_customer_risk()),
    ("big customer risk, unknowns clean", lambda: cvm.rules.big_customer_risk()),
    ("dormant, 3 years", lambda: cvm.rules.dormant_account()),
    ("dormant, 0.5 years", lambda: cvm.rules.dormant_account(min_years_inactive=0.5)),
    ("elastic", lambda: cvm.rules.elastic_customer()),
    ("positioning fit", lambda: cvm.rules.positioning_fit(["core"])),
    ("matching partner", lambda: cvm.rules.matching_partner()),
]

EXPECTED = {
    "good, absolute 10 000 / 12": {"review": 2357},
    "good, quantiles, 12 criteria": {"review": 2357},
    "good, absolute, 3 criteria": {"review": 2356, "maintain": 1},
    "good, quantiles, 3 criteria": {"review": 1935, "maintain": 422},
    "good, quantiles, 3 criteria, tenure 0.5": {"review": 1836, "maintain": 329, "develop": 192},
    "big customer risk": {"not_big": 1885, "review": 472},
    "big customer risk, unknowns clean": {"not_big": 1885, "low_risk": 335, "watch": 137},
    "dormant, 3 years": {"active": 2357},
    "dormant, 0.5 years": {"dormant": 1632, "active": 725},
    "elastic": {"review": 2357},
    "positioning fit": {"fit": 1179, "misfit": 1178},
    "matching partner": {"matching": 999, "partial": 952, "mismatched": 406},
}


def test_every_preset_name_is_exercised():
    names = {"good_customer", "big_customer_risk", "elastic_customer", "dormant_account",
             "positioning_fit", "matching_partner"}
    assert set(cvm.rules.names()) == names


@pytest.mark.parametrize("label,build", CASES, ids=[c[0] for c in CASES])
def test_no_preset_concentrates_cdnow_silently(features, label, build):
    clean = label.endswith("unknowns clean")
    counts, concentrated, out = evaluate(build(), features, clean=clean)
    assert sum(counts.values()) == 2357
    assert counts == EXPECTED[label]
    top = max(counts.values()) / 2357
    # More than 90 % in one outcome always comes with the warning, and only then.
    assert bool(concentrated) == (top > SHARE), (label, counts, concentrated)
    assert bool(out.attrs["warnings"]) == (top > SHARE)
    if concentrated:
        decision = max(counts, key=counts.get)
        assert f"got `{decision}`" in str(concentrated[0].message)
