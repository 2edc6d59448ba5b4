"""The behaviour the continuous-time fitters share (BG/NBD, MBG/NBD, Pareto/NBD): lifetimes' fit
and prediction methods, each one call into the cvm model (:class:`cvm.BetaGeo` and its kin)."""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from .... import _convert
from ....history import _grid_limits
from . import BaseFitter


def _customers_like(values: np.ndarray, *inputs: Any) -> Any:
    """A result shaped as lifetimes' numpy arithmetic on the inputs gives it: a Series on the
    first pandas input's index, a numpy float for scalars, else the array."""
    for x in inputs:
        if isinstance(x, pd.Series) and len(x) == len(values):
            return pd.Series(values, index=x.index)
    if all(np.ndim(x) == 0 for x in inputs):
        return np.float64(values.ravel()[0])
    return values


class _TransactionFitter(BaseFitter):
    """Shared by :class:`BetaGeoFitter`, :class:`ModifiedBetaGeoFitter` and :class:`ParetoNBDFitter`."""

    #: lifetimes' BG/NBD and MBG/NBD return P(alive) as an array always (``np.atleast_1d``).
    _alive_as_array: ClassVar[bool] = True

    def fit(self, frequency, recency, T, weights=None, initial_params=None, verbose=False, tol=1e-07, index=None,
            **kwargs):
        """Fit the model by maximum likelihood (cvm's optimiser); returns self.

        Parameters
        ----------
        frequency, recency, T : array-like
            Repeat purchases, age at the last purchase and age of each customer (one time unit).
        weights : array-like, optional
            Number of customers each row stands for.
        initial_params : array-like, optional
            Starting values of the log-parameters, in lifetimes' order.
        verbose, tol, **kwargs
            Accepted for compatibility; cvm's optimiser has its own convergence test (a fit
            that does not converge raises :class:`cvm.ConvergenceError`).
        index : array-like, optional
            Index of :attr:`data`.

        Raises
        ------
        cvm.InvalidInputError
            Negative, NaN or non-integer frequency, recency > T, recency without repeat
            purchases, bad weights: ``field`` and ``index`` name the first offending value.
        """
        self._fit_model({"frequency": frequency, "recency": recency, "T": T, "weights": weights}, index,
                        initial_params)
        return self

    # -- predictions -------------------------------------------------------------------------------
    def conditional_expected_number_of_purchases_up_to_time(self, t, frequency, recency, T):
        """Expected repeat purchases in ``(T, T + t]`` of customers with history ``(frequency,
        recency, T)``: a Series for pandas inputs, an array for arrays, a float for scalars.
        ``t`` may be an array (broadcast against the customers, as numpy would)."""
        model = self._fitted()
        if np.ndim(t) == 0:
            values = model.expected_purchases(_convert.number(t, "t"), *map(np.atleast_1d, (frequency, recency, T)))
            return _customers_like(np.asarray(values, dtype=np.float64), frequency, recency, T)
        t_arr, f, r, tt = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (t, frequency, recency, T)))
        out = np.empty(t_arr.shape)
        for value in np.unique(t_arr):
            mask = t_arr == value
            out[mask] = model.expected_purchases(float(value), f[mask], r[mask], tt[mask])
        return out

    predict = conditional_expected_number_of_purchases_up_to_time

    def conditional_probability_alive(self, frequency, recency, T):
        """Probability that each customer is alive at ``T``: an array for the BG/NBD and MBG/NBD
        (as lifetimes returns it), shaped like the inputs for the Pareto/NBD."""
        values = np.asarray(self._fitted().probability_alive(*map(np.atleast_1d, (frequency, recency, T))),
                            dtype=np.float64)
        return values if self._alive_as_array else _customers_like(values, frequency, recency, T)

    def conditional_probability_alive_matrix(self, max_frequency=None, max_recency=None):
        """P(alive) of a customer of age ``max_recency`` as an array indexed ``[recency, frequency]``
        (0..max_recency, 0..max_frequency; defaults: the largest frequency and T of :attr:`data`).

        Cells no customer can have — repeat purchases at recency 0, or a recency without repeat
        purchases — are NaN (lifetimes computes a number for them).
        """
        max_frequency = max_frequency or int(self.data["frequency"].max())
        max_recency = max_recency or int(self.data["T"].max())
        # cvm.probability_alive_matrix's grid and checks, without its DataFrame (this call is
        # ~0.1 ms of work, and the frame would double it)
        f_max, age = _grid_limits(None, None, max_frequency, max_recency)
        f, r = np.meshgrid(np.arange(f_max + 1, dtype=np.float64), np.arange(math.floor(age) + 1, dtype=np.float64))
        possible = (f > 0) == (r > 0)
        out = np.full(f.shape, np.nan)
        out[possible] = self._fitted()._fitted.probability_alive(f[possible], r[possible],
                                                                 np.full(int(possible.sum()), age))
        return out

    def expected_number_of_purchases_up_to_time(self, t):
        """Expected repeat purchases of a new customer in ``(0, t]``, shaped like ``t``."""
        values = self._fitted().expected_purchases_new_customer(np.atleast_1d(np.asarray(t, dtype=np.float64)))
        return _customers_like(np.asarray(values, dtype=np.float64), t)

    def generate_new_data(self, size=1):
        """A synthetic cohort drawn from the fitted parameters at the ages ``T`` of :attr:`data`
        (:mod:`cvm.compat.lifetimes.generate_data`); ``size`` is used when the ages are one
        number, as in lifetimes."""
        from .. import generate_data

        simulate = getattr(generate_data, self._simulator)
        return simulate(self.data["T"].to_numpy(), *self._unload_params(*self._names), size=size)

    _simulator: ClassVar[str]
