"""Regenerates the gallery of docs/plotting.md: every cvm.plotting function on the shipped CDNOW
data, one PNG each under docs/img/ (run from the repository root: `.venv/bin/python
examples/plot_gallery.py`; needs matplotlib, `pip install cvm[plot]`).

CDNOW: the 1/10 sample of the CDNOW online music store's Q1-1997 cohort (2,357 customers,
1997-01-01 … 1998-06-30); Fader, Hardie & Lee (2005). Calibration ends 1997-09-30; times in weeks.
"""

from __future__ import annotations

import pathlib
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import cvm  # noqa: E402
import cvm.plotting as cp  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parents[1] / "docs" / "img"
DPI = 80


def save(name: str, ax: Axes) -> None:
    fig = ax.figure
    assert isinstance(fig, Figure)  # each plot here has a figure of its own, not a subfigure
    fig.tight_layout()
    fig.savefig(OUT / f"plot_{name}.png", dpi=DPI)
    plt.close(fig)
    print(f"docs/img/plot_{name}.png")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    log = cvm.datasets.load_cdnow_transactions()
    summary = cvm.summary_from_transactions(log, "customer_id", "date", "amount",
                                            calibration_period_end="1997-09-30",
                                            observation_period_end="1998-06-30", time_unit="W")
    bg = cvm.BetaGeo().fit(summary)
    gg = cvm.GammaGamma().fit(summary["frequency"], summary["monetary_value"])

    # model checks (lifetimes)
    save("period_transactions", cp.plot_period_transactions(bg, summary))
    save("calibration_purchases_vs_holdout_purchases",
         cp.plot_calibration_purchases_vs_holdout_purchases(bg, summary))
    save("frequency_recency_matrix", cp.plot_frequency_recency_matrix(bg, t=4, summary=summary))
    save("probability_alive_matrix", cp.plot_probability_alive_matrix(bg, summary=summary))
    save("expected_repeat_purchases", cp.plot_expected_repeat_purchases(bg, summary=summary))
    save("history_alive", cp.plot_history_alive(bg, log, 1000, "customer_id", "date", end="1998-06-30"))
    save("cumulative_transactions", cp.plot_cumulative_transactions(
        bg, log, "customer_id", "date", calibration_period_end="1997-09-30", observation_period_end="1998-06-30"))
    save("incremental_transactions", cp.plot_incremental_transactions(
        bg, log, "customer_id", "date", calibration_period_end="1997-09-30", observation_period_end="1998-06-30"))
    save("transaction_rate_heterogeneity", cp.plot_transaction_rate_heterogeneity(bg))
    save("dropout_rate_heterogeneity", cp.plot_dropout_rate_heterogeneity(bg))

    # CLVTools and pymc-marketing
    save("pmf", cp.plot_pmf(bg, summary))
    save("spend_distribution", cp.plot_spend_distribution(gg, summary))
    save("customer_exposure", cp.plot_customer_exposure(summary, n=40))

    # cvm's own: value (30 % margin, $2 an order, as examples/walkthrough.py)
    calibration = log[log["date"] <= "1997-09-30"].groupby("customer_id")["amount"].agg(["sum", "size"])
    current = (0.3 * calibration["sum"] - 2.0 * calibration["size"]).reindex(summary.index)
    potential = 0.3 * cvm.customer_lifetime_value(bg, gg, summary, horizon=12, time_unit="M",
                                                  discount_rate=0.01)["clv"]
    save("value_matrix", cp.plot_value_matrix(cvm.value_matrix(current, potential), current, potential,
                                              scale="symlog"))
    orders = log.groupby("customer_id")["amount"].agg(["sum", "size"])
    save("whale_curve", cp.plot_whale_curve(cvm.whale_curve(0.3 * orders["sum"] - 2.0 * orders["size"])))
    save("cashflow_clv", cp.plot_cashflow_clv(
        cvm.cashflow_breakdown([1000, 1500, 2000], 0.15, 5, cost=500, acquisition_cost=2500)))

    # loyalty ladder and migration (26-week lapse window), churn
    def stages_at(end: str) -> pd.DataFrame:
        s = cvm.summary_from_transactions(log[log["date"] <= end], "customer_id", "date",
                                          observation_period_end=end, time_unit="W")
        return cvm.loyalty_stages(s, lapse_window=26)

    before, after = stages_at("1997-09-30"), stages_at("1998-06-30")
    save("loyalty_ladder", cp.plot_loyalty_ladder(before, after, labels=("1997-09-30", "1998-06-30")))
    save("stage_migration", cp.plot_stage_migration(cvm.stage_migration(before, after), values="rates"))
    risk = cvm.churn_risk(bg, summary, horizon=39)
    churned = summary["frequency_holdout"] == 0
    report = cvm.churn_report(risk["probability"], churned, baseline=summary["T"] - summary["recency"])
    save("churn_calibration", cp.plot_churn_calibration(report))
    save("gains", cp.plot_gains(report))

    # relationship trends (quarterly profit at 30 %) and selection decisions
    quarters = log.assign(q=log["date"].dt.to_period("Q"))
    profit = quarters.pivot_table(index="customer_id", columns="q", values="amount", aggfunc="sum",
                                  fill_value=0.0) * 0.3
    active = profit[(profit > 0).sum(axis=1) >= 4]
    save("relationship_trends", cp.plot_relationship_trends(cvm.relationship_trend(active, slope_tolerance=0.1)))
    rules = cvm.SelectionRules.from_dict({
        "version": 1, "name": "cdnow_key_customers",
        "criteria": [
            {"name": "repeat_buyer", "weight": 0.4, "condition": {"attr": "frequency", "op": ">=", "value": 3}},
            {"name": "big_basket", "weight": 0.3, "condition": {"attr": "monetary_value", "op": ">=", "value": 40}},
            {"name": "recent", "weight": 0.3, "condition": {"attr": "weeks_since_last", "op": "<=", "value": 13}},
        ],
        "hard": [{"name": "one_timer", "decision": "reactivate",
                  "condition": {"attr": "frequency", "op": "==", "value": 0}}],
        "decisions": [{"decision": "target", "min": 0.7}, {"decision": "develop", "min": 0.3, "max": 0.7},
                      {"decision": "maintain", "max": 0.3}],
    })
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", cvm.ConcentrationWarning)
        evaluation = rules.evaluate(summary.assign(weeks_since_last=summary["T"] - summary["recency"]))
    save("selection_decisions", cp.plot_selection_decisions(evaluation))


if __name__ == "__main__":
    main()
