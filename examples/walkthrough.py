"""The cvm walkthrough on the shipped CDNOW data (run with `make demo`).

CDNOW: the 1/10 sample of the CDNOW online music store's Q1-1997 cohort (2,357 customers,
1997-01-01 … 1998-06-30); Fader, Hardie & Lee (2005). Calibration ends 1997-09-30.
"""

import math

import pandas as pd

import cvm

pd.set_option("display.width", 110)
pd.set_option("display.max_columns", 12)


def section(title: str) -> None:
    print()
    print(title)
    print("=" * len(title))


def main() -> None:
    section("1. The transaction log")
    log = cvm.datasets.load_cdnow_transactions()
    print(f"{len(log):,} transactions by {log['customer_id'].nunique():,} customers, "
          f"{log['date'].min():%Y-%m-%d} … {log['date'].max():%Y-%m-%d}, "
          f"${log['amount'].sum():,.2f} in total")
    print(log.head(5).to_string(index=False))

    section("2. Customer summary (weeks; same-day orders merged; calibration to 1997-09-30)")
    summary = cvm.summary_from_transactions(
        log, "customer_id", "date", "amount",
        calibration_period_end="1997-09-30", observation_period_end="1998-06-30", time_unit="W",
    )
    print(summary.head(8).round(2).to_string())
    print(f"\ncustomers: {len(summary):,}   repeat buyers: {(summary['frequency'] > 0).sum():,}   "
          f"repeat purchases: {int(summary['frequency'].sum()):,} (calibration), "
          f"{int(summary['frequency_holdout'].sum()):,} (39-week holdout)")

    section("3. Compression (the models fit on unique rows)")
    unique, _ = cvm.compress(summary)
    print(f"{len(summary):,} customers → {len(unique):,} unique (frequency, recency, T) rows")

    section("4. RFM segments")
    seg = cvm.rfm_segments(summary)
    counts = seg["segment"].value_counts().rename("customers").to_frame()
    counts["share"] = (counts["customers"] / len(seg)).map("{:.1%}".format)
    counts["mean spend"] = summary.groupby(seg["segment"], observed=False)["monetary_value"].mean().round(2)
    print(counts.to_string())

    section_models(summary)
    section_lifetime2(log, summary)
    section_value(log, summary)
    section_loyalty(log, summary)
    section_selection(log, summary)
    section_decisions(log, summary)
    section_covariates(log)


def section_models(summary: pd.DataFrame) -> None:
    section("5. Lifetime models (maximum likelihood on the calibration period)")
    rows = []
    models = {}
    for cls in (cvm.BetaGeo, cvm.ModifiedBetaGeo, cvm.ParetoNBD):
        m = cls().fit(summary)
        models[cls.__name__] = m
        predicted = m.expected_purchases(39, summary["frequency"], summary["recency"], summary["T"]).sum()
        assert m.log_likelihood_ is not None and m.aic_ is not None  # None only for a model from parameters
        rows.append({"model": cls.__name__, **{k: round(v, 4) for k, v in m.params_.items()},
                     "log_likelihood": round(m.log_likelihood_, 2), "AIC": round(m.aic_, 1),
                     "holdout predicted": round(predicted, 1)})
    table = pd.DataFrame(rows).set_index("model")
    print(table.to_string())
    print(f"holdout actual: {int(summary['frequency_holdout'].sum()):,} repeat purchases in 39 weeks")

    bg = models["BetaGeo"]
    print("\nBG/NBD parameter estimates with 95 % confidence intervals (log scale):")
    ci = bg.confidence_intervals(0.95)
    ci.insert(0, "estimate", pd.Series(bg.params_))
    ci["std. error"] = bg.standard_errors_
    print(ci.round(4).to_string())

    print("\nCalibration vs holdout: mean purchases per customer by calibration frequency (BG/NBD)")
    print(bg.calibration_holdout_table(summary).round(3).to_string())

    print("\nThe ten customers with the most expected purchases in the next 39 weeks (BG/NBD, 90 % intervals):")
    pred = bg.predict(summary, 39, level=0.9)
    top = pred.sort_values("expected_purchases", ascending=False).head(10)
    print(top.join(summary[["frequency", "recency", "T"]]).round(3).to_string())


def section_lifetime2(log: pd.DataFrame, summary: pd.DataFrame) -> None:
    section("6. Spend, discrete-time and contractual models; probabilistic CLV")
    calib = summary[["frequency", "recency", "T", "monetary_value"]]
    repeat = calib["frequency"] > 0
    corr = cvm.frequency_monetary_correlation(calib["frequency"], calib["monetary_value"])
    gg = cvm.GammaGamma().fit(calib["frequency"], calib["monetary_value"])
    p = gg.params_
    print(f"Gamma-Gamma on {int(repeat.sum()):,} repeat buyers: p = {p['p']:.2f}, q = {p['q']:.2f}, "
          f"gamma = {p['gamma']:.2f}; population mean spend ${gg.population_mean_spend():.2f}; "
          f"frequency-spend correlation {corr:.2f}")
    bg = cvm.BetaGeo().fit(calib)
    clv = cvm.customer_lifetime_value(bg, gg, calib, horizon=12, time_unit="M", discount_rate=0.01, level=0.9)
    print(f"12-month CLV (BG/NBD × Gamma-Gamma, 1 % a month): total ${clv['clv'].sum():,.0f}, "
          f"mean ${clv['clv'].mean():.2f}; top 5 customers:")
    print(clv.sort_values("clv", ascending=False).head(5).round(2).to_string())
    lt = cvm.customer_lifetime_value(bg, gg, calib, 12, "M", 0.01, method="lifetimes")
    print(f"lifetimes' convention (12 steps of 4.345 weeks): total ${lt['clv'].sum():,.0f}")

    d = cvm.datasets.load_donations().rename(columns={"periods": "n_periods"})
    bb = cvm.BetaGeoBetaBinom().fit(d)
    q = bb.params_
    pa = bb.conditional_probability_alive(1, [0, 2, 6], [0, 4, 6], [6, 6, 6])
    print(f"\nBG/BB on {int(d['weights'].sum()):,} donors: alpha {q['alpha']:.3f}, beta {q['beta']:.3f}, "
          f"gamma {q['gamma']:.3f}, delta {q['delta']:.3f}; P(alive next year) for (x, t_x) = (0,0), (2,4), (6,6): "
          + ", ".join(f"{v:.2f}" for v in pa))

    r = cvm.datasets.load_retention_survival()
    sbg = cvm.ShiftedBetaGeo().fit_cohort((r["high_end_pct_alive"] * 10).round().iloc[:8])
    s = sbg.survival_curve(12)
    print(f"\nsBG, high-end subscribers (years 0-7): alpha {sbg.params_['alpha']:.3f}, beta {sbg.params_['beta']:.3f}; "
          f"projected % active in years 8-12: " + ", ".join(f"{100 * v:.1f}" for v in s.iloc[8:])
          + f"; DERL after 7 renewals at 10 %: {sbg.derl(0.10, [7])[0]:.2f} payments")


def section_value(log: pd.DataFrame, summary: pd.DataFrame) -> None:
    section("7. Customer value: lifetime value, whale curve, value matrix")
    print("Worked example (acquisition 2,500; cost 500 a year; revenue 1,000, 1,500, then 2,000 a year;"
          " 15 %; 5 years):")
    for timing in ("end", "start"):
        v = cvm.cashflow_clv([1000, 1500, 2000], 0.15, 5, cost=500, acquisition_cost=2500, timing=timing)
        print(f"  CLV with {timing}-of-year cash flows: {v:,.2f}")
    b = cvm.cashflow_breakdown([1000, 1500, 2000], 0.15, 5, cost=500, acquisition_cost=2500)
    print(b[["contribution", "present_value", "cumulative"]].round(2).to_string())

    # Illustrative economics: a 30 % gross margin on spend and a $2 handling cost per order.
    orders = log.groupby("customer_id")["amount"].agg(spend="sum", orders="size")
    profit = 0.3 * orders["spend"] - 2.0 * orders["orders"]
    w = cvm.whale_curve(profit)
    print(f"\nWhale curve of CDNOW profit to 1998-06-30 (30 % margin, $2 per order), {len(profit):,} customers:")
    print(f"  total ${w.total:,.2f}; peak ${w.peak:,.2f} after the {w.peak_rank:,} most profitable customers")
    print(f"  the top 20 % bring {w.top_share:.0%} of the profit; Gini coefficient {w.gini:.3f}")
    print(f"  unprofitable customers: {w.unprofitable_count:,} ({w.unprofitable_share:.1%}), "
          f"taking away ${w.tail_consumed:,.2f}")

    # Current value: profit in calibration. Potential value: the models' forward-looking value —
    # the expected residual lifetime value from the BG/NBD (will they buy, how often) and the
    # Gamma-Gamma (how much), 12 months at 1 % a month, at the 30 % margin. A potential built from
    # current margin would only echo current value (a nearly diagonal matrix); this one moves
    # customers off the diagonal: high spenders who have gone quiet, low spenders who are active.
    calibration = log[log["date"] <= "1997-09-30"].groupby("customer_id")["amount"].agg(spend="sum", orders="size")
    calibration = calibration.reindex(summary.index)
    current = 0.3 * calibration["spend"] - 2.0 * calibration["orders"]
    calib = summary[["frequency", "recency", "T", "monetary_value"]]
    bg = cvm.BetaGeo().fit(calib)
    gg = cvm.GammaGamma().fit(calib["frequency"], calib["monetary_value"])
    clv = cvm.customer_lifetime_value(bg, gg, calib, horizon=12, time_unit="M", discount_rate=0.01)
    potential = 0.3 * clv["clv"]
    m = cvm.value_matrix(current, potential)
    rho = current.rank().corr(potential.rank())
    print(f"\nValue matrix: current = calibration profit, potential = 30 % of the 12-month BG/NBD × "
          f"Gamma-Gamma CLV (median splits: current ${m.current_thresholds[0]:,.2f}, "
          f"potential ${m.potential_thresholds[0]:,.2f}; Spearman {rho:.2f}):")
    print(m.cells[["label", "strategy", "count", "current_sum", "potential_sum"]].round(0).to_string())
    print("  cell counts (low/low, low/high, high/low, high/high): "
          + " / ".join(f"{c:,}" for c in m.cells["count"]))
    for message in m.warnings["message"]:
        print("  warning:", message)


def section_loyalty(log: pd.DataFrame, summary: pd.DataFrame) -> None:
    section("8. Loyalty ladder, stage migration and churn risk (26-week lapse window)")

    def ladder_at(end: str, weeks: int) -> pd.DataFrame:
        upto = log[log["date"] <= pd.Timestamp(end)]
        s = cvm.summary_from_transactions(upto, "customer_id", "date", observation_period_end=end, time_unit="W")
        return cvm.loyalty_stages(s, lapse_window=weeks)

    snapshots = {"calibration end": ladder_at("1997-09-30", 26), "end of holdout": ladder_at("1998-06-30", 26)}
    ladder = pd.DataFrame({name: df["stage"].value_counts(sort=False) for name, df in snapshots.items()})
    print("Customers on each rung of the ladder:")
    print(ladder.to_string())
    print("\nA few customers and the reason for their stage (calibration end):")
    print(snapshots["calibration end"].groupby("stage", observed=True).head(1).to_string())

    m = cvm.stage_migration(snapshots["calibration end"], snapshots["end of holdout"])
    print("\nStage migration, calibration end (rows) → end of holdout (columns):")
    print(m.counts.loc[["repeat", "lapsed"], ["repeat", "lapsed"]].to_string())
    print(f"repeat buyers who lapsed: {m.count('repeat', 'lapsed'):,} ({m.rate('repeat', 'lapsed'):.1%}); "
          f"lapsed customers who came back: {m.count('lapsed', 'repeat'):,} ({m.rate('lapsed', 'repeat'):.1%})")
    wide = cvm.stage_migration(ladder_at("1997-09-30", 52), ladder_at("1998-06-30", 52))
    print(f"with a 52-week window: {wide.count('first_time', 'repeat'):,} first-time buyers became repeat "
          f"buyers, {wide.count('first_time', 'lapsed'):,} lapsed")

    bg = cvm.BetaGeo().fit(summary)
    stages = cvm.loyalty_stages(summary, model=bg, lapse_window=26)
    print("\nLadder at the calibration end with BG/NBD P(alive) < 0.5 or 26 weeks silent as lapsed:")
    print(stages["stage"].value_counts(sort=False).to_string())
    risk = cvm.churn_risk(bg, summary, horizon=39)
    churned = summary["frequency_holdout"] == 0
    bands = risk.groupby("band", observed=False).agg(customers=("probability", "size"),
                                                     mean_probability=("probability", "mean"))
    bands["no purchase in the holdout"] = churned.groupby(risk["band"], observed=False).mean()
    print("\nChurn bands on the BG/NBD probability of no purchase in the 39-week holdout:")
    print(bands.round(3).to_string())
    print(f"flagged at risk: {int(risk['at_risk'].sum()):,} of {len(risk):,}; "
          f"e.g. customer {risk.index[0]}: {risk['reason'].iloc[0]}")
    # Ranking the holdout's churners: AUC of the score against the weeks since the last purchase.
    weeks_silent = summary["T"] - summary["recency"]
    ranked = cvm.churn_report(risk["probability"], churned, score=risk["score"], baseline=weeks_silent)
    print(f"AUC: score exp(-E) {ranked.auc:.4f}, weeks since the last purchase {ranked.baseline_auc:.4f}, "
          f"probability {cvm.churn_report(risk['probability'], churned).auc:.4f}")
    # Calibrate on the customers with even ids, judge on the others (their holdout is unseen).
    even = summary.index.to_numpy() % 2 == 0
    calibrator = cvm.ChurnCalibrator().fit(risk["score"][even], churned[even])
    test = ~even
    report = cvm.churn_report(calibrator.transform(risk["score"][test]), churned[test],
                              score=risk["score"][test],
                              baseline=weeks_silent[test])
    print(f"\nIsotonic calibration fitted on {int(even.sum()):,} customers, judged on {int(test.sum()):,}: "
          f"Brier {report.brier:.4f}, AUC {report.auc:.4f} (recency {report.baseline_auc:.4f})")
    print(report.calibration.round(3).to_string())
    t = report.calibration_test
    assert t is not None  # None only when a bin of certain probabilities holds an outcome they rule out
    print(f"Hosmer–Lemeshow on these deciles: H = {t.statistic:.2f} on {t.degrees_of_freedom} degrees of freedom, "
          f"P = {t.p_value:.3f} (the differences are within chance for deciles of ~118 customers)")
    print("Gains: share of the holdout's churners in the riskiest tenths")
    print(report.gains.head(3).round(3).to_string())


def section_selection(log: pd.DataFrame, summary: pd.DataFrame) -> None:
    section("9. Customer selection: rules with reasons, relationship trends, look-alikes")
    rules = cvm.SelectionRules.from_dict({
        "version": 1,
        "name": "cdnow_key_customers",
        "criteria": [
            {"name": "repeat_buyer", "weight": 0.4,
             "condition": {"attr": "frequency", "op": ">=", "value": 3}},
            {"name": "big_basket", "weight": 0.3,
             "condition": {"attr": "monetary_value", "op": ">=", "value": 40}},
            {"name": "recent", "weight": 0.3,
             "condition": {"attr": "weeks_since_last", "op": "<=", "value": 13}},
        ],
        "hard": [{"name": "one_timer", "decision": "reactivate",
                  "condition": {"attr": "frequency", "op": "==", "value": 0}}],
        "decisions": [
            {"decision": "target", "min": 0.7},
            {"decision": "develop", "min": 0.3, "max": 0.7},
            {"decision": "maintain", "max": 0.3},
        ],
    })
    data = summary.assign(weeks_since_last=(summary["T"] - summary["recency"]).round(2),
                          monetary_value=summary["monetary_value"].round(2))
    out = rules.evaluate(data)
    print("Decisions of the calibration customers (rules as JSON, reasons per customer):")
    print(rules.counts(data).to_string())
    for decision in ("target", "develop", "reactivate"):
        cid = out.index[out["decision"] == decision][0]
        print(f"  customer {cid} → {decision}: " + "; ".join(out.loc[cid, "reasons"]))

    # Quarterly profit (30 % margin) of the customers who bought in at least 4 of the 6 quarters.
    quarters = log.assign(q=log["date"].dt.to_period("Q"))
    profit = quarters.pivot_table(index="customer_id", columns="q", values="amount",
                                  aggfunc="sum", fill_value=0.0) * 0.3
    active = profit[(profit > 0).sum(axis=1) >= 4]
    trend = cvm.relationship_trend(active, slope_tolerance=0.1)
    print(f"\nRelationship trends of {len(active):,} customers active in ≥ 4 of "
          f"{profit.shape[1]} quarters (high = level ≥ median {trend.attrs['high_level']:.2f}):")
    print(trend["trend"].value_counts().to_string())
    print("  e.g. customer", trend.index[0], trend["reason"].iloc[0])

    loyal = data[data["frequency"] >= 10]
    candidates = data[(data["frequency"] >= 1) & (data["frequency"] < 10)]
    top = cvm.lookalike(candidates, loyal, ["frequency", "monetary_value", "weeks_since_last"], k=5)
    print(f"\nThe 5 of {len(candidates):,} repeat buyers most like the {len(loyal):,} most loyal customers:")
    print(top.join(candidates[["frequency", "monetary_value", "weeks_since_last"]]).round(3).to_string())


def section_decisions(log: pd.DataFrame, summary: pd.DataFrame) -> None:
    section("10. From numbers to decisions: the customer value report, a playbook, a budgeted campaign")
    calib = summary[["frequency", "recency", "T", "monetary_value"]]
    bg = cvm.BetaGeo().fit(calib)
    gg = cvm.GammaGamma().fit(calib["frequency"], calib["monetary_value"])
    # CLV: the next 12 months of BG/NBD × Gamma-Gamma spend at a 30 % margin (1 % a month).
    clv = 0.3 * cvm.customer_lifetime_value(bg, gg, calib, horizon=12, time_unit="M", discount_rate=0.01)["clv"]
    # Realised value: calibration profit (30 % margin, $2 per order), as in section 7.
    orders = log[log["date"] <= "1997-09-30"].groupby("customer_id")["amount"].agg(["sum", "size"])
    realised = (0.3 * orders["sum"] - 2.0 * orders["size"]).reindex(summary.index)
    values = cvm.value_decomposition(realised=realised, potential=clv)
    matrix = cvm.value_matrix(realised, clv)
    stages = cvm.loyalty_stages(summary, model=bg, lapse_window=26)
    rules = cvm.SelectionRules.from_dict({
        "version": 1, "name": "repeat_and_recent",
        "criteria": [{"name": "repeat", "condition": {"attr": "frequency", "op": ">=", "value": 2}},
                     {"name": "recent", "condition": {"attr": "silent_weeks", "op": "<=", "value": 13}}],
        "decisions": [{"decision": "target", "min": 2}, {"decision": "develop", "min": 1, "max": 2},
                      {"decision": "maintain", "max": 1}],
    })
    selection = rules.evaluate(calib.assign(silent_weeks=(calib["T"] - calib["recency"]).round(2)))
    book = cvm.Playbook.default()
    print(f"The default playbook ({len(book.plays)} plays; precedence {' > '.join(book.precedence)}):")
    print(book.plays[["segment_type", "segment", "action", "source"]].to_string(index=False, max_colwidth=58))

    report = cvm.customer_value_report(decomposition=values, clv=clv, matrix=matrix, stages=stages,
                                       model=bg, summary=calib, horizon=39, selection=selection, playbook=book)
    frame = report.to_frame()
    print(f"\nCustomer value report, {len(frame):,} customers × {frame.shape[1]} columns; the first five:")
    cols = ["realised_value", "clv", "matrix_cell", "loyalty_stage", "churn_probability", "decision",
            "next_best_action"]
    print(frame[cols].head(5).round(2).to_string(max_colwidth=40))
    print("  reason of the first customer's action:", frame["action_reason"].iloc[0])
    print("\nNext best actions:")
    print(frame["next_best_action"].value_counts().to_string())
    html, csv = report.to_html("CDNOW customer value report"), report.to_csv()
    print(f"CSV: {len(csv.splitlines()):,} lines; HTML: one self-contained page of {len(html) / 1e6:.1f} MB")

    # Campaign: a $1 retention mailing lifts the chance of keeping the customer's 12-month value
    # by 30 % of the churn probability (illustrative); budget $100 = 100 mailings.
    uplift = 0.3 * frame["churn_probability"]
    budget, cost = 100.0, 1.0
    c = cvm.compare_campaigns(clv, uplift, cost, budget, draws=200, seed=42)
    print(f"\nRetention campaign, ${cost:.2f} a contact, budget ${budget:,.0f}, gain = uplift × CLV − cost:")
    print(f"  {c!r}")
    for name, cid in (("last in", c.last_in), ("first out", c.first_out)):
        if cid is not None:
            print(f"  marginal customer {name}: {cid} (gain ${c.customers.loc[cid, 'gain']:.2f}, "
                  f"CLV ${clv[cid]:.2f}, uplift {uplift[cid]:.3f})")
    print(f"  compared with the same budget (random: mean of 200 seeded draws, sd ${c.random_sd:.2f}):")
    assert c.comparison is not None  # compare_campaigns always sets it
    print(c.comparison.round(2).to_string())


def section_covariates(log: pd.DataFrame) -> None:
    section("11. Covariates: does the size of the first order say what follows?")
    # The published CDNOW summaries (weeks, calibration 39 weeks), indexed by customer id, and a
    # binary covariate from the log: the first day's purchases above the median first day.
    s = cvm.datasets.load_cdnow_summary()
    first_day = log["date"] == log.groupby("customer_id")["date"].transform("min")
    first = log[first_day].groupby("customer_id")["amount"].sum()
    z = pd.DataFrame({"big_first": (first > first.median()).astype(float)})
    print(f"big_first = 1 for the {int(z['big_first'].sum()):,} customers whose first day came to more "
          f"than ${first.median():.2f}")
    m = cvm.ParetoNBD().fit(s, transaction_covariates=z, lifetime_covariates=z)
    print("\nPareto/NBD with big_first on the purchase and the dropout process:")
    print(m.summary.round(3).to_string())
    lr = m.likelihood_ratio_test()
    print(f"likelihood-ratio test against the plain Pareto/NBD: {lr.statistic:.2f} on {lr.df} df, "
          f"p = {lr.p_value:.1e}; purchase rate of a big first order × {math.exp(m.params_['trans_big_first']):.2f}")
    sw = cvm.datasets.load_cdnow_summary_with_transactions().rename(
        columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"})
    gg = cvm.GammaGamma().fit(sw, spend_covariates=z)
    print(f"Gamma-Gamma with big_first on spend: spend per order × {math.exp(gg.params_['spend_big_first']):.2f} "
          f"(LR test p = {gg.likelihood_ratio_test().p_value:.1e})")
    clv = cvm.customer_lifetime_value(m, gg, sw, horizon=12, time_unit="M", discount_rate=0.01,
                                      transaction_covariates=z, lifetime_covariates=z, spend_covariates=z)
    plain = cvm.customer_lifetime_value(cvm.ParetoNBD().fit(s), cvm.GammaGamma().fit(sw), sw,
                                        horizon=12, time_unit="M", discount_rate=0.01)
    print("\nMean 12-month CLV (1 % a month) by first order, plain models vs with the covariate:")
    by = pd.DataFrame({"plain": plain["clv"], "covariates": clv["clv"]}).groupby(z["big_first"]).mean()
    print(by.round(2).to_string())


if __name__ == "__main__":
    main()
