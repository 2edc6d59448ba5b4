"""``BetaGeoFitter``: lifetimes' BG/NBD fitter over :class:`cvm.BetaGeo` (Fader, Hardie & Lee 2005)."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from .... import _convert
from ....models import BetaGeo
from ._transaction import _TransactionFitter

__all__ = ["BetaGeoFitter"]


class BetaGeoFitter(_TransactionFitter):
    """The BG/NBD model: purchases at rate λ ~ Gamma(r, α) while alive; after each purchase the
    customer drops out with probability p ~ Beta(a, b). Parameters ``r, alpha, a, b``.

    Parameters
    ----------
    penalizer_coef : float
        L2 penalty, per customer, on the log-parameters (cvm's ``penalizer``; lifetimes
        penalises the parameters themselves, see docs/migrating-from-lifetimes.md).

    Examples
    --------
    >>> from cvm.compat.lifetimes import BetaGeoFitter
    >>> from cvm.compat.lifetimes.datasets import load_cdnow_summary
    >>> data = load_cdnow_summary(index_col=[0])
    >>> bgf = BetaGeoFitter().fit(data["frequency"], data["recency"], data["T"])
    >>> bgf.params_.round(3).to_dict()
    {'r': 0.243, 'alpha': 4.414, 'a': 0.793, 'b': 2.426}
    """

    _cvm_class: ClassVar[Any] = BetaGeo
    _names = ("r", "alpha", "a", "b")
    _simulator = "beta_geometric_nbd_model"

    def probability_of_n_purchases_up_to_time(self, t, n):
        """P(N(t) = n): probability that a new customer makes ``n`` repeat purchases in ``(0, t]``."""
        return np.float64(self._fitted().probability_of_n_purchases(_convert.whole(n, "n"), _convert.number(t, "t")))
