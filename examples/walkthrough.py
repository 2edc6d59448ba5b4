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


if __name__ == "__main__":
    main()
