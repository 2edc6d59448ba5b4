"""cvm's customer pictures: the loyalty ladder and stage migration, churn calibration and gains,
relationship trends and the decisions of selection rules."""

from __future__ import annotations

import re
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..churn import ChurnReport
from ..exceptions import InvalidValueError
from ..loyalty import StageMigration
from ..value import MatrixMigration
from . import _style

__all__ = [
    "plot_loyalty_ladder",
    "plot_stage_migration",
    "plot_churn_calibration",
    "plot_gains",
    "plot_relationship_trends",
    "plot_selection_decisions",
]


def _stages(snapshot: Any, field: str) -> pd.Series:
    if isinstance(snapshot, pd.Series):
        stages = snapshot
    else:
        stages = _style.frame(snapshot, field, ("stage",), f"`{field}`")["stage"]
    if not isinstance(stages.dtype, pd.CategoricalDtype):
        raise InvalidValueError(f"`{field}`: expected the stages of cvm.loyalty_stages (a categorical `stage`), "
                                f"got dtype {stages.dtype}", field=field)
    return stages


def ladder_counts(*snapshots: Any, labels: Sequence[str]) -> pd.DataFrame:
    """Customers per rung (rows, in ladder order) of each snapshot (columns ``labels``)."""
    series = [_stages(s, f"snapshots[{i}]") for i, s in enumerate(snapshots)]
    return pd.DataFrame({label: s.value_counts(sort=False) for label, s in zip(labels, series)})


def plot_loyalty_ladder(stages: Any, after: Any = None, labels: Sequence[str] = ("before", "after"),
                        ax: Any = None) -> Any:
    """Customers on each rung of the loyalty ladder, for one snapshot or two side by side.

    The rungs are the stages of :func:`cvm.loyalty_stages` in ladder order (suspect, prospect,
    first-time, repeat, advocate, lapsed; docs/loyalty.md), each bar the number of customers on
    it.

    Parameters
    ----------
    stages : pandas.DataFrame or pandas.Series
        The result of :func:`cvm.loyalty_stages` (or its ``stage`` column).
    after : pandas.DataFrame or pandas.Series, optional
        A second snapshot, drawn next to the first.
    labels : (str, str)
        Legend names of the two snapshots.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.containers[j]`` holds the bars of snapshot ``j``, in ladder order.
    """
    snaps = [stages] if after is None else [stages, after]
    counts = ladder_counts(*snaps, labels=list(labels)[: len(snaps)])
    ax = _style.axes(ax)
    x = np.arange(len(counts))
    width = 0.8 / len(snaps)
    for j, column in enumerate(counts.columns):
        offset = (j - (len(snaps) - 1) / 2) * width
        ax.bar(x + offset, counts[column].to_numpy(), width=width, color=_style.CYCLE[j], label=str(column))
    ax.set_xticks(x)
    ax.set_xticklabels([str(s).replace("_", " ") for s in counts.index])
    return _style.finish(ax, "stage of the loyalty ladder", "customers", "Loyalty ladder", legend=len(snaps) > 1)


def plot_stage_migration(migration: Any, values: str = "counts", ax: Any = None) -> Any:
    """Stage (or value-matrix cell) migration between two snapshots as a heat map.

    Rows are the stage before, columns the stage after (``new``/``gone`` under the outer join);
    cells are :attr:`~cvm.StageMigration.counts` or the row-normalised
    :attr:`~cvm.StageMigration.rates`, written in each cell.

    Parameters
    ----------
    migration : StageMigration or MatrixMigration
        From :func:`cvm.stage_migration` or :func:`cvm.matrix_migration`.
    values : {"counts", "rates"}
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.images[0].get_array()`` is the table drawn.
    """
    if not isinstance(migration, (StageMigration, MatrixMigration)):
        _style.instance(migration, StageMigration, "migration", "cvm.stage_migration or cvm.matrix_migration")
    if values not in ("counts", "rates"):
        raise InvalidValueError(f"`values`: expected 'counts' or 'rates', got {values!r}", field="values")
    table = migration.counts if values == "counts" else migration.rates
    ax = _style.axes(ax)
    _style.heatmap(ax, table, ",.0f" if values == "counts" else ".2f",
                   "customers" if values == "counts" else "share of the row's customers")
    ax = _style.finish(ax, "after", "before", f"Migration between snapshots ({values})")
    ax.grid(False)
    return ax


def plot_churn_calibration(report: Any, ax: Any = None) -> Any:
    """Predicted vs observed churn rate by bin of predicted probability (a reliability diagram).

    Each point is a bin of :attr:`cvm.ChurnReport.calibration` (deciles by default): its mean
    predicted probability (x) and the share that churned (y), with a bar of ± 2 standard errors
    (the spread the observed rate would have if the probabilities were right). A calibrated
    probability lies on the diagonal within its bars; the legend gives the Brier score and the
    Hosmer–Lemeshow p-value (:attr:`cvm.ChurnReport.calibration_test`).

    Parameters
    ----------
    report : ChurnReport
        From :func:`cvm.churn_report`.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Line 0: the bins; line 1: the diagonal; collection 0: the ± 2 standard-error bars.
    """
    _style.instance(report, ChurnReport, "report", "cvm.churn_report")
    table = report.calibration
    ax = _style.axes(ax)
    x, y = table["mean_predicted"].to_numpy(), table["observed_rate"].to_numpy()
    test = report.calibration_test
    fit = "" if test is None else f", Hosmer–Lemeshow P = {test.p_value:.3g}"
    ax.plot(x, y, "o-", color=_style.ACTUAL, label=f"bins (Brier {report.brier:.3f}{fit})")
    ax.errorbar(x, y, yerr=2.0 * table["standard_error"].to_numpy(), fmt="none", ecolor=_style.ACTUAL,
                elinewidth=0.8, capsize=2, label="± 2 standard errors if calibrated")
    ax.plot([0.0, 1.0], [0.0, 1.0], ":", color=_style.GUIDE, label="perfect calibration")
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(0.0, 1.0)
    return _style.finish(ax, "mean predicted churn probability", "observed churn rate",
                         "Churn calibration by bin", legend=True)


def plot_gains(report: Any, ax: Any = None) -> Any:
    """Cumulative gains: the share of all churners found in the riskiest share of customers.

    From :attr:`cvm.ChurnReport.gains` (and ``baseline_gains`` when the report has a baseline):
    x is the cumulative share of customers, bins taken riskiest first, y the ``cumulative_share``
    of churners they hold, both from (0, 0). A random order is the diagonal.

    Returns
    -------
    matplotlib.axes.Axes
        Line 0: the score; line 1: the baseline (when given); last line: the diagonal.
    """
    _style.instance(report, ChurnReport, "report", "cvm.churn_report")
    ax = _style.axes(ax)
    tables = [("score", report.gains, report.auc)]
    if report.baseline_gains is not None:
        tables.append(("baseline", report.baseline_gains, report.baseline_auc))
    for j, (name, table, auc) in enumerate(tables):
        x = np.concatenate([[0.0], table["count"].cumsum().to_numpy() / report.n])
        y = np.concatenate([[0.0], table["cumulative_share"].to_numpy()])
        ax.plot(x, y, "o-", color=_style.CYCLE[j], label=f"{name} (AUC {auc:.3f})")
    ax.plot([0.0, 1.0], [0.0, 1.0], ":", color=_style.GUIDE, label="random")
    return _style.finish(ax, "share of customers, riskiest first", "share of the churners found",
                         "Cumulative gains", legend=True)


_TRENDS = ("high_rising", "high_stable", "high_declining", "low_rising", "low_stable", "low_declining")


def plot_relationship_trends(trends: Any, ax: Any = None) -> Any:
    """Customers by profit level (x) and slope (y), coloured by relationship trend.

    Draws :func:`cvm.relationship_trend`: the level threshold between high and low
    (``attrs["high_level"]``) is a vertical line, zero slope a horizontal one.

    Parameters
    ----------
    trends : pandas.DataFrame
        From :func:`cvm.relationship_trend` (``level``, ``slope``, ``trend``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        One scatter per trend present, in the order high rising, high stable, high declining,
        low rising, low stable, low declining.
    """
    df = _style.frame(trends, "trends", ("level", "slope", "trend"), "the trends")
    ax = _style.axes(ax)
    for j, name in enumerate(_TRENDS):
        mine = (df["trend"] == name).to_numpy()
        if mine.any():
            ax.scatter(df["level"].to_numpy()[mine], df["slope"].to_numpy()[mine], s=10, alpha=0.8,
                       color=_style.CYCLE[j], label=f"{name.replace('_', ' ')} ({int(mine.sum()):,})")
    high = getattr(trends, "attrs", {}).get("high_level")
    if high is not None:
        ax.axvline(float(high), color=_style.GUIDE, linestyle="--", linewidth=1)
    ax.axhline(0.0, color=_style.GUIDE, linewidth=0.8)
    return _style.finish(ax, "level: mean profit per period (currency units)",
                         "slope: change in profit per period (currency units)", "Relationship trends", legend=True)


_REASON = re.compile(r"^([^:]+):(pass|hit)\(")


def decision_drivers(evaluation: Any) -> pd.DataFrame:
    """Customers per decision (rows) whose reason codes show each criterion passed or hard rule
    hit (columns, in rule order), and the decision's ``total``."""
    df = _style.frame(evaluation, "evaluation", ("decision", "reasons"), "the evaluation")
    names: list[str] = []
    rows = []
    for decision, reasons in zip(df["decision"], df["reasons"]):
        met = []
        for code in reasons:
            m = _REASON.match(code)
            name = code.split(":", 1)[0]
            if name not in names:
                names.append(name)
            if m:
                met.append(name)
        rows.append((decision, met))
    categories = df["decision"].cat.categories if isinstance(df["decision"].dtype, pd.CategoricalDtype) \
        else pd.unique(df["decision"])
    table = pd.DataFrame(0, index=pd.Index(list(categories), name="decision"), columns=names + ["total"],
                         dtype=np.int64)
    for decision, met in rows:
        table.loc[decision, "total"] += 1
        for name in met:
            table.loc[decision, name] += 1
    return table


def plot_selection_decisions(evaluation: Any, ax: Any = None) -> Any:
    """Customers per decision of selection rules, and the criteria that drove them.

    For each decision of :meth:`cvm.SelectionRules.evaluate` (with ``reasons``), a wide pale bar
    is its number of customers and the narrow bars inside it the number of those customers for
    whom each criterion passed (or hard rule hit), read from their reason codes
    (``name:pass(…)`` / ``name:hit(…)``, docs/rules.md).

    Parameters
    ----------
    evaluation : pandas.DataFrame
        The result of ``rules.evaluate(df)`` (``decision`` and ``reasons`` columns).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        ``ax.containers[0]``: the totals; ``ax.containers[1 + j]``: criterion ``j``.
    """
    table = decision_drivers(evaluation)
    criteria = [c for c in table.columns if c != "total"]
    ax = _style.axes(ax)
    x = np.arange(len(table))
    ax.bar(x, table["total"].to_numpy(), width=0.85, color="#e6e6e6", label="customers with the decision")
    width = 0.8 / max(1, len(criteria))
    for j, name in enumerate(criteria):
        offset = (j - (len(criteria) - 1) / 2) * width
        ax.bar(x + offset, table[name].to_numpy(), width=width, color=_style.CYCLE[j % len(_style.CYCLE)],
               label=f"{name} met")
    ax.set_xticks(x)
    ax.set_xticklabels([str(d) for d in table.index])
    return _style.finish(ax, "decision", "customers", "Selection decisions and the criteria met", legend=True)

