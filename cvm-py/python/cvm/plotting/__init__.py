"""Plots of cvm's models and results (matplotlib, an optional extra: ``pip install cvm[plot]``).

One function per picture, as lifetimes' ``plotting`` module: each takes ``ax=None`` (new axes
when omitted), draws, labels its axes with their units and returns the matplotlib ``Axes``; none
calls ``plt.show()``. Every number drawn comes from cvm (the fitted model's methods or a result
object); the plots only draw. One colour-blind-safe style (the Okabe–Ito palette, the cividis
colour map) is defined once in ``cvm.plotting._style``.

Importing :mod:`cvm` or :mod:`cvm.plotting` does not import matplotlib; calling a plot without it
installed raises an :class:`ImportError` naming ``pip install cvm[plot]``.

* Model checks (lifetimes): :func:`plot_period_transactions`,
  :func:`plot_calibration_purchases_vs_holdout_purchases`, :func:`plot_frequency_recency_matrix`,
  :func:`plot_probability_alive_matrix`, :func:`plot_expected_repeat_purchases`,
  :func:`plot_history_alive`, :func:`plot_cumulative_transactions`,
  :func:`plot_incremental_transactions`, :func:`plot_transaction_rate_heterogeneity`,
  :func:`plot_dropout_rate_heterogeneity`.
* From CLVTools and pymc-marketing: :func:`plot_pmf`, :func:`plot_spend_distribution`,
  :func:`plot_customer_exposure`.
* cvm's own: :func:`plot_value_matrix`, :func:`plot_whale_curve`, :func:`plot_cashflow_clv`,
  :func:`plot_loyalty_ladder`, :func:`plot_stage_migration`, :func:`plot_churn_calibration`,
  :func:`plot_gains`, :func:`plot_relationship_trends`, :func:`plot_selection_decisions`.

The gallery, every plot on CDNOW, is docs/plotting.md.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import cvm, cvm.plotting
>>> w = cvm.whale_curve([-5, 100, 0, -40, 20, 60, -10, 30, -25, 10])
>>> ax = cvm.plotting.plot_whale_curve(w)
>>> ax.lines[0].get_ydata()[:3].tolist()
[0.0, 100.0, 160.0]
"""

from __future__ import annotations

from . import checks, distributions, loyalty, tracking, value
from .checks import *  # noqa: F401,F403
from .distributions import *  # noqa: F401,F403
from .loyalty import *  # noqa: F401,F403
from .tracking import *  # noqa: F401,F403
from .value import *  # noqa: F401,F403

__all__ = [*checks.__all__, *distributions.__all__, *tracking.__all__, *value.__all__, *loyalty.__all__]
