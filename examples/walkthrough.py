"""The cvm walkthrough on the shipped CDNOW data (run with `make demo`).

CDNOW: the 1/10 sample of the CDNOW online music store's Q1-1997 cohort (2,357 customers,
1997-01-01 … 1998-06-30); Fader, Hardie & Lee (2005). Calibration ends 1997-09-30.
"""

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


def section_models(summary: pd.DataFrame) -> None:
    section("5. Lifetime models (maximum likelihood on the calibration period)")
    rows = []
    models = {}
    for cls in (cvm.BetaGeo, cvm.ModifiedBetaGeo, cvm.ParetoNBD):
        m = cls().fit(summary)
        models[cls.__name__] = m
        predicted = m.expected_purchases(39, summary["frequency"], summary["recency"], summary["T"]).sum()
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


if __name__ == "__main__":
    main()
