"""``GammaGammaFitter``: lifetimes' spend model over :class:`cvm.GammaGamma` (Fader, Hardie & Lee
2005, "RFM and CLV"; after Colombo & Jiang 1999)."""

from __future__ import annotations

import numpy as np

from ....exceptions import InvalidValueError
from ....lifetime2 import GammaGamma
from . import BaseFitter
from ._transaction import _customers_like

__all__ = ["GammaGammaFitter"]


class GammaGammaFitter(BaseFitter):
    """Spend per transaction: a customer's transaction values are Gamma(p, ν) and ν ~ Gamma(q, v)
    across customers. Parameters ``p, q, v`` (cvm names the last ``gamma``).

    Examples
    --------
    >>> from cvm.compat.lifetimes import GammaGammaFitter
    >>> from cvm.compat.lifetimes.datasets import load_cdnow_summary_data_with_monetary_value
    >>> data = load_cdnow_summary_data_with_monetary_value()
    >>> repeat = data[data["frequency"] > 0]
    >>> ggf = GammaGammaFitter().fit(repeat["frequency"], repeat["monetary_value"])
    >>> ggf.params_.round(2).to_dict()
    {'p': 6.25, 'q': 3.74, 'v': 15.45}
    """

    _cvm_class = GammaGamma
    _names = ("p", "q", "v")

    def fit(self, frequency, monetary_value, weights=None, initial_params=None, verbose=False, tol=1e-07, index=None,
            q_constraint=False, **kwargs):
        """Fit on the customers' repeat purchases and mean spend; returns self.

        Rows with frequency 0 are checked and left out of the likelihood (lifetimes requires
        the caller to drop them). With ``q_constraint=True`` an estimate ``q <= 1`` (an
        infinite population mean spend) is an error instead of a model.

        Raises
        ------
        cvm.InvalidInputError
            Non-integer or negative frequency, a repeat buyer with spend <= 0, bad weights
            (``field`` and ``index`` name the value); ``q_constraint`` violated (``field``
            ``q_constraint``).
        """
        self._fit_model({"frequency": frequency, "monetary_value": monetary_value, "weights": weights}, index,
                        initial_params)
        self.data = self.data[["monetary_value", "frequency", "weights"]]
        if q_constraint and self.params_["q"] <= 1.0:
            q = self.params_["q"]
            self._model = None
            raise InvalidValueError(f"`q_constraint`: the estimate q = {q:.4g} <= 1 makes the mean spend infinite; "
                                    "the data do not support a finite mean", field="q_constraint")
        return self

    def conditional_expected_average_profit(self, frequency=None, monetary_value=None):
        """Expected spend per transaction of each customer (the population mean for frequency 0);
        the fitted :attr:`data` when the arguments are omitted."""
        if monetary_value is None:
            monetary_value = self.data["monetary_value"]
        if frequency is None:
            frequency = self.data["frequency"]
        values = self._fitted().conditional_expected_average_spend(np.atleast_1d(frequency), np.atleast_1d(monetary_value))
        return _customers_like(np.asarray(values, dtype=np.float64), frequency, monetary_value)

    def customer_lifetime_value(self, transaction_prediction_model, frequency, recency, T, monetary_value, time=12,
                                discount_rate=0.01, freq="D"):
        """Discounted CLV over ``time`` months with the expected spend of
        :meth:`conditional_expected_average_profit`
        (:func:`cvm.compat.lifetimes.utils.customer_lifetime_value`); a Series named ``clv``."""
        from ..utils import customer_lifetime_value

        spend = self.conditional_expected_average_profit(frequency, monetary_value)
        return customer_lifetime_value(transaction_prediction_model, frequency, recency, T, spend, time,
                                       discount_rate, freq=freq)
