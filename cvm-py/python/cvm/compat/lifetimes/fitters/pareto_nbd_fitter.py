"""``ParetoNBDFitter``: lifetimes' Pareto/NBD fitter over :class:`cvm.ParetoNBD` (Schmittlein,
Morrison & Colombo 1987)."""

from __future__ import annotations

from ....models import ParetoNBD
from ._transaction import _TransactionFitter

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
        """P(X(T, T + t) = n | history) — not available: cvm's core has no such function yet.

        Raises
        ------
        NotImplementedError
            Always (see docs/migrating-from-lifetimes.md).
        """
        raise NotImplementedError(
            "ParetoNBDFitter.conditional_probability_of_n_purchases_up_to_time: cvm's core has no conditional "
            "count distribution for the Pareto/NBD yet; use conditional_expected_number_of_purchases_up_to_time "
            "or conditional_probability_alive")
