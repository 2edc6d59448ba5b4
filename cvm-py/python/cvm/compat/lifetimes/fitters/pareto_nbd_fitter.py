"""``ParetoNBDFitter``: lifetimes' Pareto/NBD fitter over :class:`cvm.ParetoNBD` (Schmittlein,
Morrison & Colombo 1987)."""

from __future__ import annotations

import numpy as np

from .... import _convert
from ....models import ParetoNBD
from ._transaction import _TransactionFitter, _customers_like

__all__ = ["ParetoNBDFitter"]


class ParetoNBDFitter(_TransactionFitter):
    """The Pareto/NBD model: purchases at rate λ ~ Gamma(r, α) while alive, an exponential
    lifetime with rate μ ~ Gamma(s, β). Parameters ``r, alpha, s, beta``.

    Examples
    --------
    >>> from cvm.compat.lifetimes import ParetoNBDFitter
    >>> from cvm.compat.lifetimes.datasets import load_cdnow_summary
    >>> data = load_cdnow_summary(index_col=[0])
    >>> pnbd = ParetoNBDFitter().fit(data["frequency"], data["recency"], data["T"])
    >>> round(float(pnbd.params_["r"]), 3), round(float(pnbd.params_["s"]), 3)
    (0.553, 0.606)
    """

    _cvm_class = ParetoNBD
    _names = ("r", "alpha", "s", "beta")
    _simulator = "pareto_nbd_model"
    _alive_as_array = False

    def fit(self, frequency, recency, T, weights=None, iterative_fitting=1, initial_params=None, verbose=False,
            tol=0.0001, index=None, fit_method="Nelder-Mead", maxiter=2000, **kwargs):
        """Fit the Pareto/NBD by maximum likelihood (cvm: BFGS and Newton steps on analytic
        derivatives); returns self. ``iterative_fitting``, ``fit_method``, ``maxiter``, ``tol``
        and ``verbose`` are accepted for compatibility and unused: cvm reaches the maximum
        with one fit. Other arguments as :meth:`BetaGeoFitter.fit`."""
        self._fit_model({"frequency": frequency, "recency": recency, "T": T, "weights": weights}, index,
                        initial_params)
        return self

    def conditional_probability_of_n_purchases_up_to_time(self, n, t, frequency, recency, T):
        """P(X(T, T + t) = n | frequency, recency, T): the probability that each customer makes
        exactly ``n`` purchases in the next ``t`` time units (Fader & Hardie 2006, "Deriving an
        expression for P(X(t, t+τ) = x) under the Pareto/NBD model", eq. 16), by
        :meth:`cvm.ParetoNBD.conditional_probability_of_n_purchases`: a Series for pandas inputs,
        an array for arrays, a float for scalars.

        Differences from lifetimes: at ``t = 0`` the answer is 1 for ``n = 0`` (lifetimes returns
        0 for every ``n``); cvm sums positive terms, where lifetimes subtracts ₂F₁ terms and
        returns the absolute value of a difference that rounding made negative.

        Examples
        --------
        >>> from cvm.compat.lifetimes import ParetoNBDFitter
        >>> from cvm.compat.lifetimes.datasets import load_cdnow_summary
        >>> data = load_cdnow_summary(index_col=[0])
        >>> pnbd = ParetoNBDFitter().fit(data["frequency"], data["recency"], data["T"])
        >>> p = [pnbd.conditional_probability_of_n_purchases_up_to_time(n, 39, 2, 30.43, 38.86) for n in range(200)]
        >>> round(float(p[0]), 3), round(float(sum(p)), 10)
        (0.408, 1.0)
        """
        values = self._fitted().conditional_probability_of_n_purchases(
            _convert.whole(n, "n"), _convert.number(t, "t"), *map(np.atleast_1d, (frequency, recency, T)))
        return _customers_like(np.asarray(values, dtype=np.float64), frequency, recency, T)
