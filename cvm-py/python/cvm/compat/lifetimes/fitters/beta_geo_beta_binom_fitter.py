"""``BetaGeoBetaBinomFitter``: lifetimes' BG/BB fitter over :class:`cvm.BetaGeoBetaBinom` (Fader,
Hardie & Shang 2010)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .... import _convert
from ....exceptions import InvalidValueError
from ....lifetime2 import BetaGeoBetaBinom
from . import BaseFitter
from ._transaction import _customers_like

__all__ = ["BetaGeoBetaBinomFitter"]


class BetaGeoBetaBinomFitter(BaseFitter):
    """Discrete transaction opportunities: each period a live customer transacts with
    probability p ~ Beta(alpha, beta) and drops out with probability θ ~ Beta(gamma, delta).

    Examples
    --------
    >>> from cvm.compat.lifetimes import BetaGeoBetaBinomFitter
    >>> from cvm.compat.lifetimes.datasets import load_donations
    >>> d = load_donations()
    >>> bbf = BetaGeoBetaBinomFitter().fit(d["frequency"], d["recency"], d["periods"], weights=d["weights"])
    >>> bbf.params_.round(3).to_dict()
    {'alpha': 1.204, 'beta': 0.75, 'gamma': 0.657, 'delta': 2.783}
    """

    _cvm_class = BetaGeoBetaBinom
    _names = ("alpha", "beta", "gamma", "delta")

    def fit(self, frequency, recency, n_periods, weights=None, initial_params=None, verbose=False, tol=1e-07,
            index=None, **kwargs):
        """Fit by maximum likelihood; returns self. ``weights`` counts the customers sharing
        each history (the donations data are aggregated this way). ``verbose``, ``tol`` and
        ``**kwargs`` are accepted and unused.

        Raises
        ------
        cvm.InvalidInputError
            Counts that are not non-negative integers, recency > n_periods, frequency > recency,
            bad weights (``field``, ``index``).
        """
        self._fit_model({"frequency": frequency, "recency": recency, "n_periods": n_periods, "weights": weights},
                        index, initial_params)
        return self

    def _history(self, frequency, recency, n_periods):
        return [np.atleast_1d(np.asarray(v, dtype=np.float64)) for v in (frequency, recency, n_periods)]

    def conditional_expected_number_of_purchases_up_to_time(self, m_periods_in_future, frequency, recency, n_periods):
        """Expected transactions in the next ``m_periods_in_future`` opportunities of each customer."""
        m = _convert.whole(m_periods_in_future, "m_periods_in_future")
        values = self._fitted().conditional_expected_number_of_transactions(
            m, *self._history(frequency, recency, n_periods))
        return _customers_like(np.asarray(values, dtype=np.float64), frequency, recency, n_periods)

    def conditional_probability_alive(self, m_periods_in_future, frequency, recency, n_periods):
        """Probability that each customer is alive at opportunity ``n_periods + m_periods_in_future``."""
        m = _convert.whole(m_periods_in_future, "m_periods_in_future")
        values = self._fitted().conditional_probability_alive(m, *self._history(frequency, recency, n_periods))
        return _customers_like(np.asarray(values, dtype=np.float64), frequency, recency, n_periods)

    def expected_number_of_transactions_in_first_n_periods(self, n):
        """Expected number of customers making ``x`` transactions in the first ``n`` opportunities,
        for each ``x`` among the fitted frequencies: a DataFrame with column ``model`` indexed by
        ``frequency`` (the number of customers of :attr:`data` times P(X(n) = x))."""
        n = _convert.whole(n, "n")
        counts = self.data.groupby("frequency")["weights"].sum()
        model = self._fitted()
        total = float(counts.sum())
        values = [total * model.probability_of_n_transactions(int(x), n) for x in counts.index]
        return pd.DataFrame({"model": values}, index=pd.Index(counts.index, name="frequency"))

    def generate_new_data(self, size=1):
        """``size`` customers simulated from the fitted parameters
        (:func:`cvm.compat.lifetimes.generate_data.beta_geometric_beta_binom_model`), the first
        ``size`` of the fitted rows' ``n_periods`` each repeated by its weight, as lifetimes
        intends (its own ``generate_new_data`` of this fitter fails with a TypeError)."""
        from ..generate_data import beta_geometric_beta_binom_model

        weights = self.data["weights"].to_numpy(dtype=np.float64)
        if not np.array_equal(weights, np.floor(weights)):
            raise InvalidValueError("`weights`: generate_new_data repeats each fitted row by its weight, which must "
                                    "then be a whole number", field="weights")
        periods = np.repeat(self.data["n_periods"].to_numpy(), weights.astype(np.int64))
        return beta_geometric_beta_binom_model(periods, *self._unload_params(*self._names), size=size)
