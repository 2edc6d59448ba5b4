"""Spend, discrete-time and contractual lifetime models, and probabilistic customer lifetime value.

* :class:`GammaGamma` — spend per transaction, Fader, Hardie & Lee (2005), "RFM and CLV: using
  iso-value curves for customer base analysis" (after Colombo & Jiang 1999).
* :class:`BetaGeoBetaBinom` — BG/BB, Fader, Hardie & Shang (2010), "Customer-base analysis in a
  discrete-time noncontractual setting".
* :class:`ShiftedBetaGeo` — sBG, Fader & Hardie (2007), "How to project customer retention".
* :func:`customer_lifetime_value` — a transaction model (how many purchases, when) times a
  Gamma-Gamma spend model (how much each), discounted over a horizon.

All the numbers come from the Rust core; this module converts pandas/numpy values and wraps the
results.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np
import pandas as pd

from . import _convert, _covariates, _cvm, _output, _progress
from ._fitted import _F, _Fitted
from .exceptions import InvalidValueError

_ROWS = ("frequency", "recency", "n_periods", "T", "monetary_value", "weights")

__all__ = [
    "GammaGamma",
    "BetaGeoBetaBinom",
    "ShiftedBetaGeo",
    "customer_lifetime_value",
    "frequency_monetary_correlation",
]


def _table(df, names: tuple[str, ...]) -> tuple[list[pd.Series], Any]:
    """The columns ``names`` of a pandas/polars table (a missing one is a
    :class:`cvm.MissingColumnError` listing the columns) and its optional ``weights``."""
    df = _convert.frame(df, "summary")
    cols = [_convert.get(df, n) for n in names]
    return cols, (df["weights"] if "weights" in df.columns else None)


def _floats(inputs: dict) -> tuple[list[Any], Any]:
    """The per-customer inputs aligned by label (see :func:`cvm._convert.align`) as float64
    (``None`` stays ``None``), and the index that labels the results."""
    cols, index = _convert.align(inputs)
    return [None if v is None else _convert.floats(v, k) for k, v in cols.items()], index


_is_table = _convert.is_table


class GammaGamma(_Fitted):
    """Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005): ``p, q, gamma``.

    A customer's transaction values are Gamma(p, ν); across customers ν ~ Gamma(q, γ). Fitted on
    the repeat buyers' number of repeat purchases and mean spend; predicts each customer's
    expected spend per transaction, shrunk towards the population mean ``pγ/(q−1)``. With
    ``q <= 1`` that mean is infinite: it is reported as a :class:`cvm.NumericalError`, never as a
    negative or infinite number.

    Examples
    --------
    >>> import cvm
    >>> s = cvm.datasets.load_cdnow_summary_with_transactions()
    >>> gg = cvm.GammaGamma().fit(s["x"], s["zbar"])
    >>> round(gg.params_["p"], 2), round(gg.params_["q"], 2)
    (6.25, 3.74)
    >>> round(gg.population_mean_spend(), 2)
    35.17
    """

    _native = _cvm.GammaGammaModel
    _kind = "gamma_gamma"
    _param_names = ("p", "q", "gamma")

    def fit(self: _F, frequency: Any, monetary_value: Any = None, weights: Any = None,
            initial: Optional[dict] = None, *, time_unit: Optional[str] = None, spend_covariates: Any = None,
            l2: float = 0.0) -> _F:
        """Fit by maximum likelihood on the repeat buyers, with spend covariates if given.

        Parameters
        ----------
        frequency : array-like or pandas.DataFrame
            Repeat purchases per customer, or a summary with ``frequency`` and
            ``monetary_value`` columns. Rows with frequency 0 are checked and left out.
        monetary_value : array-like
            Mean value of each customer's repeat purchases (> 0 for repeat buyers).
        weights : array-like, optional
            Number of customers each row stands for.
        initial : dict, optional
            Starting values by parameter name.
        time_unit : {"D", "W", "M", "Y"}, optional
            The unit of time of the summary the spend comes from, recorded by the model
            (:attr:`time_unit_`) and checked against the transaction model's by
            :func:`customer_lifetime_value`. By default the unit the data record in
            ``attrs["time_unit"]``, else ``None``.
        spend_covariates : pandas.DataFrame or Series, optional
            Covariates of spend (coefficients ``spend_<column>``: the expected spend per
            transaction is multiplied by ``exp(γ_spend · z)``), one row per customer matched
            to the summary by its index, as in :meth:`cvm.ParetoNBD.fit` (docs/covariates.md).
        l2 : float, default 0
            L2 penalty on the coefficients.

        Returns
        -------
        self

        Raises
        ------
        InvalidInputError
            Non-integer or negative frequency, non-positive spend of a repeat buyer, no repeat
            buyer at all, bad weights (``field`` and ``index`` name the first offending value);
            a ``time_unit`` that contradicts the data's (``field`` ``time_unit``).
        NotIdentifiedError
            Every repeat buyer with the same mean spend, or a single repeat buyer.
        ConvergenceError
            The optimiser did not converge.
        """
        if _is_table(frequency):
            unit = _convert.fit_time_unit(time_unit, summary=frequency)
            (frequency, monetary_value), w_col = _table(frequency, ("frequency", "monetary_value"))
            weights = w_col if weights is None else weights
        else:
            unit = _convert.fit_time_unit(time_unit, frequency=frequency, monetary_value=monetary_value)
        (f, z, w), index = _floats({"frequency": frequency, "monetary_value": monetary_value, "weights": weights})
        init = self._initial(initial)
        if spend_covariates is None:
            _covariates.check_no_options(l2, None)
            with _convert.rows_labelled(index, _ROWS):
                self._model = _cvm.GammaGammaModel.fit(f, z, w, *self._fit_options(), init, unit)
            return self
        _covariates.check_fit(weights=w, initial=init)
        args = _covariates.native_args(index, len(f), spend_covariates=spend_covariates)
        with _covariates.errors_named(index, _ROWS, args):
            self._model = _cvm.CovariateModel.fit_spend(f, z, args["spend"], _convert.number(l2, "l2"),
                                                        *self._fit_options(), unit)
        return self

    def population_mean_spend(self) -> float:
        """The population mean spend per transaction ``pγ/(q−1)``.

        Raises
        ------
        NumericalError
            When ``q <= 1`` (the mean is infinite).
        """
        return self._plain("population_mean_spend").population_mean_spend()

    @property
    def has_finite_mean_(self) -> bool:
        """True when ``q > 1``."""
        return self._plain("has_finite_mean_").has_finite_mean

    def conditional_expected_average_spend(self, frequency, monetary_value, level: Optional[float] = None, *,
                                           progress: bool = False, spend_covariates: Any = None):
        """Expected spend per transaction of each customer (the population mean for frequency 0).

        With ``level``, returns a DataFrame with ``expected_spend``, ``lower`` and ``upper``
        (delta-method intervals on the log scale). ``progress=True`` shows a bar (tqdm) while
        the customers are scored in chunks; the values are the same. A model fitted with
        ``spend_covariates`` needs each customer's (matched as in :meth:`fit`): each customer's
        expected spend is then the plain model's at that customer's parameters, and the
        intervals come from the full covariance of the base parameters and the coefficients.

        Examples
        --------
        >>> import cvm
        >>> gg = cvm.GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
        >>> [round(float(v), 2) for v in gg.conditional_expected_average_spend([2, 1], [22.35, 11.77])]
        [24.66, 18.92]
        """
        (f, z), index = _floats({"frequency": frequency, "monetary_value": monetary_value})
        level = _convert.optional_number(level, "level")
        args = _covariates.for_model(self, index, len(f), spend_covariates=spend_covariates)
        m = self._fitted

        def work(c: dict, a: dict) -> tuple:
            if level is None:
                return (m.conditional_expected_average_spend(c["frequency"], c["monetary_value"], **a),)
            # (estimate, lower, upper): the interval carries the values.
            return m.conditional_expected_average_spend_interval(c["frequency"], c["monetary_value"], level, **a)

        with _covariates.errors_named(index, _ROWS, args):
            cols = _covariates.chunked(_progress.flag(progress), {"frequency": f, "monetary_value": z}, args or {},
                                       work, "conditional_expected_average_spend")
        if level is None:
            return _convert.shaped(cols[0], index, frequency, monetary_value)
        return pd.DataFrame(dict(zip(("expected_spend", "lower", "upper"), cols)), index=index)

    def log_likelihood_individual(self, frequency, monetary_value, *, spend_covariates: Any = None):
        """Per-customer log-likelihood of the mean spend (0 for frequency 0); a model fitted with
        covariates needs each customer's ``spend_covariates`` (matched as in :meth:`fit`)."""
        (f, z), index = _floats({"frequency": frequency, "monetary_value": monetary_value})
        args = _covariates.for_model(self, index, len(f), spend_covariates=spend_covariates)
        with _covariates.errors_named(index, _ROWS, args):
            if args is None:
                values = self._fitted.log_likelihood_individual(f, z)
            else:
                values = self._fitted.log_likelihood_individual(f, z, np.zeros(len(f)), **args)
            return _convert.shaped(values, index, frequency, monetary_value)

    def customer_params(self, *, spend_covariates: Any = None) -> pd.DataFrame:
        """Each customer's ``p, q, gamma`` from the customer's spend covariates, for a model fitted
        with covariates (indexed like the covariates)."""
        return _covariates.customer_params(self, spend_covariates=spend_covariates)

    def customer_lifetime_value(self, transaction_model: Any, summary: Any, horizon: float = 12.0,
                                time_unit: str = "M", discount_rate: float = 0.01, margin: float = 1.0,
                                **options: Any) -> pd.DataFrame:
        """:func:`cvm.customer_lifetime_value` with this model as the spend model (the same
        arguments, among them ``level``, ``method``, ``data_time_unit``, ``progress`` and the
        covariates ``transaction_covariates``, ``lifetime_covariates``, ``spend_covariates``)."""
        return customer_lifetime_value(transaction_model, self, summary, horizon, time_unit, discount_rate, margin,
                                       **options)


def frequency_monetary_correlation(frequency, monetary_value, weights=None) -> float:
    """Pearson correlation of frequency and mean spend over the repeat buyers.

    The Gamma-Gamma model assumes they are independent: check this is near 0 first.

    Examples
    --------
    >>> import cvm
    >>> round(cvm.frequency_monetary_correlation([1, 2, 3, 0], [10.0, 20.0, 30.0, 0.0]), 6)
    1.0
    """
    (f, z, w), index = _floats({"frequency": frequency, "monetary_value": monetary_value, "weights": weights})
    with _convert.rows_labelled(index, _ROWS):
        return _cvm.frequency_monetary_correlation(f, z, w)


class BetaGeoBetaBinom(_Fitted):
    """BG/BB model of discrete transaction opportunities (Fader, Hardie & Shang 2010).

    Parameters ``alpha, beta`` (transaction probability ~ Beta) and ``gamma, delta`` (dropout
    probability ~ Beta). A history is ``(frequency, recency, n_periods)``: ``x`` transactions in
    ``n`` opportunities, the last at opportunity ``t_x`` (0 when ``x = 0``).

    Examples
    --------
    >>> import cvm
    >>> m = cvm.BetaGeoBetaBinom.from_params(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
    >>> [round(float(v), 2) for v in m.conditional_probability_alive(1, [0, 2, 6], [0, 4, 6], [6, 6, 6])]
    [0.11, 0.59, 0.93]
    """

    _native = _cvm.BgBbModel
    _kind = "bg_bb"
    _param_names = ("alpha", "beta", "gamma", "delta")

    def fit(self: _F, frequency: Any, recency: Any = None, n_periods: Any = None, weights: Any = None,
            initial: Optional[dict] = None, *, time_unit: Optional[str] = None,
            transaction_covariates: Any = None, lifetime_covariates: Any = None, l2: float = 0.0,
            shared: Any = ()) -> _F:
        """Fit by maximum likelihood, with covariates if given.

        Parameters
        ----------
        frequency : array-like or pandas.DataFrame
            Transactions per customer, or a table with ``frequency``, ``recency``,
            ``n_periods`` (and optionally ``weights``) columns.
        recency : array-like
            Opportunity of the last transaction (0 when frequency is 0).
        n_periods : array-like
            Number of opportunities observed.
        weights : array-like, optional
            Number of customers sharing each history.
        time_unit : {"D", "W", "M", "Y"}, optional
            The length of one transaction opportunity (e.g. ``"Y"`` for
            yearly opportunities), recorded by the model (:attr:`time_unit_`). By
            default the unit the data record in ``attrs["time_unit"]``, else ``None``.
        transaction_covariates, lifetime_covariates, l2, shared
            Covariates of the purchase process (``alpha_i = alpha · exp(γ_trans · z_i)``) and of
            the dropout process (``gamma_i = gamma · exp(γ_life · z_i)``), matched to the
            customers by index, and their options, as in :meth:`cvm.ParetoNBD.fit`
            (docs/covariates.md).

        Returns
        -------
        self

        Raises
        ------
        InvalidInputError
            Counts that are not non-negative integers, recency > n_periods, frequency > recency,
            recency > 0 with frequency 0, bad weights (``field``, ``index``); a ``time_unit``
            that contradicts the data's (``field`` ``time_unit``).
        NotIdentifiedError
            No repeat transaction at all, or every customer with the same history.

        Examples
        --------
        >>> import cvm
        >>> d = cvm.datasets.load_donations().rename(columns={"periods": "n_periods"})
        >>> cvm.BetaGeoBetaBinom().fit(d, time_unit="Y").time_unit_
        'Y'
        """
        if _is_table(frequency):
            unit = _convert.fit_time_unit(time_unit, summary=frequency)
            (frequency, recency, n_periods), w_col = _table(frequency, ("frequency", "recency", "n_periods"))
            weights = w_col if weights is None else weights
        else:
            unit = _convert.fit_time_unit(time_unit, frequency=frequency, recency=recency, n_periods=n_periods)
        (f, r, n, w), index = _floats(
            {"frequency": frequency, "recency": recency, "n_periods": n_periods, "weights": weights}
        )
        init = self._initial(initial)
        if transaction_covariates is None and lifetime_covariates is None:
            _covariates.check_no_options(l2, shared)
            with _convert.rows_labelled(index, _ROWS):
                self._model = _cvm.BgBbModel.fit(f, r, n, w, *self._fit_options(), init, unit)
            return self
        _covariates.check_fit(weights=w, initial=init)
        args = _covariates.native_args(index, len(f), transaction_covariates=transaction_covariates,
                                       lifetime_covariates=lifetime_covariates)
        with _covariates.errors_named(index, _ROWS, args):
            self._model = _cvm.CovariateModel.fit("bg_bb", f, r, n, args["transaction"], args["lifetime"],
                                                  _convert.number(l2, "l2"), _covariates.names(shared, "shared"),
                                                  *self._fit_options(), unit)
        return self

    def _cols(self, frequency, recency, n_periods, weights=None):
        return _floats({"frequency": frequency, "recency": recency, "n_periods": n_periods, "weights": weights})

    def _per_customer(self, plain: str, covariate: str, m: int, frequency, recency, n_periods,
                      covariates: dict) -> Any:
        """The native ``plain(m, …)`` of a plain model, or ``covariate(…)`` of a covariate model
        at each customer's parameters."""
        (f, r, n, _), index = self._cols(frequency, recency, n_periods)
        m = _convert.whole(m, "m")
        args = _covariates.for_model(self, index, len(f), **covariates)
        with _covariates.errors_named(index, _ROWS, args):
            if args is None:
                values = getattr(self._fitted, plain)(m, f, r, n)
            elif covariate == "probability_alive":
                if m != 0:
                    raise InvalidValueError(
                        f"`m`: a model fitted with covariates gives P(alive) at the last opportunity (m = 0), got {m}",
                        field="m",
                    )
                values = self._fitted.probability_alive(f, r, n, **args)
            else:
                values = getattr(self._fitted, covariate)(float(m), f, r, n, **args)
            return _convert.shaped(values, index, frequency, recency, n_periods)

    def conditional_probability_alive(self, m: int, frequency, recency, n_periods, *,
                                      transaction_covariates: Any = None, lifetime_covariates: Any = None):
        """Probability that each customer is still active at opportunity ``n + m``.

        A model fitted with covariates needs each customer's (matched as in :meth:`fit`) and
        gives P(alive) at ``n`` (``m = 0``).
        """
        return self._per_customer("conditional_probability_alive", "probability_alive", m, frequency, recency,
                                  n_periods, {"transaction_covariates": transaction_covariates,
                                              "lifetime_covariates": lifetime_covariates})

    def conditional_expected_number_of_transactions(self, m: int, frequency, recency, n_periods, *,
                                                    transaction_covariates: Any = None,
                                                    lifetime_covariates: Any = None):
        """Expected transactions of each customer in the next ``m`` opportunities (a model fitted
        with covariates: at each customer's parameters, from the customer's covariates)."""
        return self._per_customer("conditional_expected_transactions", "conditional_expected_purchases", m,
                                  frequency, recency, n_periods, {"transaction_covariates": transaction_covariates,
                                                                  "lifetime_covariates": lifetime_covariates})

    def customer_params(self, *, transaction_covariates: Any = None, lifetime_covariates: Any = None) -> pd.DataFrame:
        """Each customer's ``alpha, beta, gamma, delta`` from the customer's covariates, for a
        model fitted with covariates (indexed like the covariates)."""
        return _covariates.customer_params(self, transaction_covariates=transaction_covariates,
                                           lifetime_covariates=lifetime_covariates)

    def expected_number_of_transactions_new_customer(self, n: int) -> float:
        """Expected transactions of a new customer in the first ``n`` opportunities."""
        return self._plain("expected_number_of_transactions_new_customer").expected_transactions_new_customer(_convert.whole(n, "n"))

    def probability_of_n_transactions(self, x: int, n: int) -> float:
        """P(X(n) = x): probability that a new customer makes ``x`` transactions in ``n`` opportunities."""
        return self._plain("probability_of_n_transactions").probability_of_n_transactions(_convert.whole(x, "x"), _convert.whole(n, "n"))

    def simulate(self, n_customers: int, n_periods: int, seed: int = 42) -> pd.DataFrame:
        """A seeded synthetic cohort of ``n_customers`` histories over ``n_periods`` opportunities
        drawn from the model (p ~ Beta(alpha, beta), θ ~ Beta(gamma, delta); at each opportunity
        the customer first drops out with probability θ, else buys with probability p): columns
        ``frequency``, ``recency``, ``n_periods``.

        Examples
        --------
        >>> import cvm
        >>> m = cvm.BetaGeoBetaBinom.from_params(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
        >>> cohort = m.simulate(1000, 6, seed=1)
        >>> cohort.shape, bool((cohort["recency"] <= cohort["n_periods"]).all())
        ((1000, 3), True)
        """
        n = _convert.whole(n_periods, "n_periods")
        x, tx = self._plain("simulate").simulate(_convert.whole(n_customers, "n_customers"), n, _convert.whole(seed, "seed"))
        return pd.DataFrame({"frequency": x, "recency": tx, "n_periods": np.full(len(x), float(n))})

    def log_likelihood(self, frequency, recency, n_periods, weights=None) -> float:
        """Log-likelihood of (weighted) histories at the model's parameters."""
        (f, r, n, w), index = self._cols(frequency, recency, n_periods, weights)
        with _convert.rows_labelled(index, _ROWS):
            return self._plain("log_likelihood").log_likelihood(f, r, n, w)


class ShiftedBetaGeo(_Fitted):
    """Shifted-beta-geometric model of contractual retention (Fader & Hardie 2007): ``alpha, beta``.

    Each customer cancels at the end of every period with a constant probability θ ~ Beta(α, β).
    Time is in whole periods; ``S(0) = 1``.

    Examples
    --------
    >>> import cvm
    >>> alive = [1000, 869, 743, 653, 593, 551, 517, 491]
    >>> m = cvm.ShiftedBetaGeo().fit_cohort(alive)
    >>> round(m.params_["alpha"], 3), round(m.params_["beta"], 3)
    (0.668, 3.806)
    >>> [round(100 * float(s), 1) for s in m.survival([8, 12])]
    [46.0, 37.8]
    >>> round(float(m.derl(0.10, [7])[0]), 2)
    7.53
    """

    _native = _cvm.SbgModel
    _param_names = ("alpha", "beta")

    def fit_cohort(self: _F, alive: Any, initial: Optional[dict] = None, *, time_unit: Optional[str] = None) -> _F:
        """Fit on a cohort's survival counts (``alive[t]`` still active at the start of period ``t+1``).

        Parameters
        ----------
        alive : array-like
            Customers still active at the start of each period.
        initial : dict, optional
            Starting values by parameter name.
        time_unit : {"D", "W", "M", "Y"}, optional
            The length of one period, recorded by the model (:attr:`time_unit_`). By
            default the unit the data record in ``attrs["time_unit"]``, else ``None``.

        Raises
        ------
        InvalidInputError
            Counts that increase over time, a cohort of zero, counts that are not
            non-negative integers (``field`` = ``alive``, ``index``).
        NotIdentifiedError
            Nobody cancelled, or nothing is known beyond the first period.
        """
        unit = _convert.fit_time_unit(time_unit, alive=alive)
        a = _convert.floats(alive, "alive")
        self._model = _cvm.SbgModel.fit_cohort(a, *self._fit_options(), self._initial(initial), unit)
        return self

    def fit(self: _F, duration: Any, still_active: Any = None, weights: Any = None,
            initial: Optional[dict] = None, *, time_unit: Optional[str] = None) -> _F:
        """Fit on per-customer durations.

        Parameters
        ----------
        duration : array-like or pandas.DataFrame
            Period of cancellation (``still_active`` 0, ≥ 1) or periods survived so far
            (``still_active`` 1); or a table with ``duration`` and ``still_active`` columns.
        still_active : array-like
            1 for customers still under contract (right-censored), 0 for cancellations.
        weights : array-like, optional
            Number of customers each row stands for.
        initial : dict, optional
            Starting values by parameter name.
        time_unit : {"D", "W", "M", "Y"}, optional
            The length of one period, recorded by the model (:attr:`time_unit_`). By
            default the unit the data record in ``attrs["time_unit"]``, else ``None``.
        """
        if _is_table(duration):
            unit = _convert.fit_time_unit(time_unit, summary=duration)
            (duration, still_active), w_col = _table(duration, ("duration", "still_active"))
            weights = w_col if weights is None else weights
        else:
            unit = _convert.fit_time_unit(time_unit, duration=duration, still_active=still_active)
        (d, a, w), index = _floats({"duration": duration, "still_active": still_active, "weights": weights})
        with _convert.rows_labelled(index, ("duration", "still_active", "weights")):
            self._model = _cvm.SbgModel.fit(d, a, w, *self._fit_options(), self._initial(initial), unit)
        return self

    def log_likelihood_cohort(self, alive) -> float:
        """Log-likelihood of survival counts at the model's parameters."""
        return self._fitted.log_likelihood_cohort(_convert.floats(alive, "alive"))

    def survival(self, t) -> np.ndarray:
        """``S(t)``: share of a new cohort still active after ``t`` whole periods."""
        return self._fitted.survival(_convert.floats(np.atleast_1d(t), "t"))

    def churn_probability(self, t) -> np.ndarray:
        """``P(T = t)``: probability of cancelling in period ``t >= 1``."""
        return self._fitted.churn_probability(_convert.floats(np.atleast_1d(t), "t"))

    def retention_rate(self, t) -> np.ndarray:
        """Retention rate ``r(t) = S(t)/S(t−1)`` in period ``t >= 1``."""
        return self._fitted.retention_rate(_convert.floats(np.atleast_1d(t), "t"))

    def survival_curve(self, n_periods: int) -> pd.Series:
        """Projected survival ``S(0), …, S(n_periods)``, indexed by period."""
        n_periods = _convert.whole(n_periods, "n_periods")
        return pd.Series(self._fitted.survival_curve(n_periods), name="survival").rename_axis("period")

    def retention_curve(self, n_periods: int) -> pd.Series:
        """Projected retention rates ``r(1), …, r(n_periods)``, indexed by period."""
        n_periods = _convert.whole(n_periods, "n_periods")
        values = self._fitted.retention_curve(n_periods)
        return pd.Series(values, index=pd.RangeIndex(1, int(n_periods) + 1, name="period"), name="retention")

    def derl(self, discount_rate: float, renewals) -> np.ndarray:
        """Discounted expected residual lifetime of customers who have renewed ``renewals`` times
        (Fader & Hardie 2010), in payments; multiply by the margin for a residual value."""
        rate = _convert.number(discount_rate, "discount_rate")
        return self._fitted.derl(rate, _convert.floats(np.atleast_1d(renewals), "renewals"))

    def expected_lifetime_value(self, margin: float, discount_rate: float) -> float:
        """Discounted expected lifetime value of a new customer paying ``margin`` every active period."""
        return self._fitted.expected_lifetime_value(
            _convert.number(margin, "margin"), _convert.number(discount_rate, "discount_rate")
        )


@_output.tables
def customer_lifetime_value(
    transaction_model,
    spend_model: GammaGamma,
    summary: pd.DataFrame,
    horizon: float = 12.0,
    time_unit: str = "M",
    discount_rate: float = 0.01,
    margin: float = 1.0,
    *,
    method: str = "continuous",
    level: Optional[float] = None,
    data_time_unit: Optional[str] = None,
    progress: bool = False,
    output: str = "pandas",
    transaction_covariates: Any = None,
    lifetime_covariates: Any = None,
    spend_covariates: Any = None,
) -> pd.DataFrame:
    """Probabilistic customer lifetime value: ``margin · E(spend) · discounted expected purchases``.

    Parameters
    ----------
    transaction_model : BetaGeo, ModifiedBetaGeo, ParetoNBD or BetaGeoBetaBinom
        A fitted (or parameterised) transaction model.
    spend_model : GammaGamma
        A fitted (or parameterised) spend model.
    summary : pandas.DataFrame
        ``frequency``, ``recency``, ``T`` (``n_periods`` for the BG/BB) and ``monetary_value``.
    horizon : float
        Horizon in ``time_unit`` (with ``method="lifetimes"``: whole months).
    time_unit : {"D", "W", "M", "Y"}
        Unit of the horizon and of the discount rate.
    discount_rate : float
        Effective discount rate per ``time_unit`` (> -1).
    margin : float
        Profit margin applied to spend.
    method : {"continuous", "lifetimes"}
        ``"continuous"``: continuous discounting integrated accurately. ``"lifetimes"``: the
        convention of the Python package lifetimes (``time=horizon`` monthly steps of 4.345
        weeks for weekly data, the rate per month), to reproduce its figures.
    level : float, optional
        Confidence level of delta-method intervals from both models' parameter uncertainty
        (adds ``lower`` and ``upper``; needs fitted models).
    data_time_unit : {"D", "W", "M", "Y"}, optional
        Unit of ``recency`` and ``T`` (for the BG/BB, the length of one opportunity). Default
        ``None``: the unit the summary records in ``attrs["time_unit"]``, else the unit the
        transaction model records (:attr:`~cvm.BetaGeo.time_unit_`, set when it was fitted on a
        summary that records its unit). There is no silent default: a unit that contradicts
        the summary's or the model's is an error, and so is no unit anywhere.
    progress : bool
        Show a progress bar (tqdm, the ``progress`` extra) while the customers are scored in
        chunks; the values are the same. With ``level``, about 50 µs a customer.
    transaction_covariates, lifetime_covariates, spend_covariates : pandas.DataFrame, optional
        Each customer's covariates, for models fitted with them (either model or both; the
        other may be plain), matched to ``summary`` by its index as in
        :meth:`cvm.ParetoNBD.fit`: the CLV of each customer at that customer's parameters
        (docs/covariates.md).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``summary``: ``clv``, ``expected_discounted_purchases``, ``expected_spend``
        (and ``lower``, ``upper``).

    Raises
    ------
    InvalidTypeError
        ``transaction_model`` or ``spend_model`` is not a model of the right kind, e.g. the two
        swapped (also a :class:`TypeError`; ``field`` names the argument).
    MissingColumnError
        ``summary`` lacks a column (also a :class:`KeyError`; the message lists the columns).
    UnknownNameError
        A time unit or method that is not recognised (``valid`` lists the accepted ones).
    InvalidValueError
        ``data_time_unit`` contradicts the unit the summary or the transaction model records,
        or no unit is known at all (``field`` ``data_time_unit``); the summary records a unit
        other than the model's (``field`` ``summary``); the spend model records a unit other
        than the data's (``field`` ``spend_model``). Each message names both units and the fix.
    InvalidInputError
        ``horizon < 0``, ``discount_rate <= -1``, invalid customer columns (``field``, ``index``).
    NumericalError
        An infinite expected spend (Gamma-Gamma with ``q <= 1``).

    Notes
    -----
    The summary's unit (``summary.attrs["time_unit"]``), ``data_time_unit`` and the units the
    two models record (``time_unit_``) must agree wherever they are known; the customer data
    are then read in that unit, and the horizon and discount rate are converted from
    ``time_unit``. A model fitted on a summary in days and scored with weekly data would
    otherwise be off by a factor of seven, silently.

    Examples
    --------
    >>> import cvm
    >>> s = cvm.datasets.load_cdnow_summary_with_transactions().rename(
    ...     columns={"x": "frequency", "t_x": "recency", "zbar": "monetary_value"})
    >>> bg = cvm.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    >>> gg = cvm.GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
    >>> v = cvm.customer_lifetime_value(bg, gg, s.head(3), horizon=12, time_unit="M", discount_rate=0.01)
    >>> list(v.columns)
    ['clv', 'expected_discounted_purchases', 'expected_spend']
    >>> bool((v["clv"] > 0).all())
    True

    The summary records weeks (``s.attrs["time_unit"]``), so the data are read in weeks. A
    model fitted in days cannot score them:

    >>> bg_days = bg.with_time_unit("D")
    >>> cvm.customer_lifetime_value(bg_days, gg, s.head(3), data_time_unit="W")
    Traceback (most recent call last):
    ...
    cvm.exceptions.InvalidValueError: `data_time_unit`: W contradicts the unit the model records for its data (D); omit data_time_unit or pass D
    """
    _check_models(transaction_model, spend_model)
    native = transaction_model._fitted
    spend = spend_model._fitted
    t_col = "n_periods" if isinstance(transaction_model, BetaGeoBetaBinom) else "T"
    data_unit = _data_time_unit(summary, data_time_unit, native.time_unit)
    summary = _convert.frame(summary, "summary")
    names = ("frequency", "recency", t_col, "monetary_value")
    f, r, t, z = (_convert.floats(_convert.get(summary, n), n) for n in names)
    level = _convert.optional_number(level, "level")
    options = (_convert.number(horizon, "horizon"), str(time_unit), data_unit,
               _convert.number(discount_rate, "discount_rate"), _convert.number(margin, "margin"), str(method), level)
    given = {"transaction_covariates": transaction_covariates, "lifetime_covariates": lifetime_covariates,
             "spend_covariates": spend_covariates}
    args = None
    if transaction_model._covariate or spend_model._covariate:
        args = _covariates.native_args(summary.index, len(f), **given)
    else:
        _covariates.for_model(transaction_model, None, 0, **given)
    try:
        with _covariates.errors_named(summary.index, names, args):
            if args is not None:
                d = _covariates.chunked(
                    _progress.flag(progress), dict(zip(names, (f, r, t, z))), args,
                    lambda c, a: _cvm.customer_lifetime_value_covariates(
                        native, spend, c["frequency"], c["recency"], c[t_col], c["monetary_value"],
                        a["transaction"], a["lifetime"], a["spend"], *options),
                    "customer_lifetime_value")
            else:
                d = _progress.concat(_progress.run(
                    _progress.flag(progress), dict(zip(names, (f, r, t, z))),
                    lambda c: _cvm.customer_lifetime_value_native(
                        native, spend, c["frequency"], c["recency"], c[t_col], c["monetary_value"], *options),
                    desc="customer_lifetime_value"))
    except InvalidValueError as exc:
        if exc.field == "data_time_unit" and data_unit is None and native.time_unit is None:
            exc.args = (f'{exc}, or a summary that records its unit in attrs["time_unit"]',)
        raise
    return pd.DataFrame(d, index=summary.index)


def _data_time_unit(summary, data_time_unit, model_unit: Optional[str]) -> Optional[str]:
    """The unit to read the CLV summary in, as far as the summary and the argument say: the
    argument, else the summary's ``attrs["time_unit"]``, else ``None`` (the core then takes the
    model's, and reports a contradiction with it or a missing unit)."""
    given = _convert.time_unit(data_time_unit, "data_time_unit")
    recorded = _convert.recorded_time_unit(summary, "summary")
    if given is not None and recorded is not None and given != recorded:
        raise InvalidValueError(
            f'`data_time_unit`: {given} contradicts the unit the summary records (summary.attrs["time_unit"] '
            f"is {recorded}); omit data_time_unit or pass {recorded}",
            field="data_time_unit",
        )
    if given is None:
        _convert.check_summary_unit(summary, model_unit)
    return given if given is not None else recorded


def _describe(x) -> str:
    return "None" if x is None else f"a {type(x).__module__}.{type(x).__name__}".replace("cvm.models.", "cvm.").replace(
        "cvm.lifetime2.", "cvm."
    )


def _check_models(transaction_model, spend_model) -> None:
    """The two models of a CLV call, each of the right kind (a TypeError naming the argument)."""
    from .exceptions import InvalidTypeError
    from .models import _TransactionModel

    transaction_kinds = (_TransactionModel, BetaGeoBetaBinom)
    swapped = isinstance(transaction_model, GammaGamma) and isinstance(spend_model, transaction_kinds)
    hint = " (the two models look swapped: the transaction model comes first)" if swapped else ""
    if not isinstance(transaction_model, transaction_kinds):
        raise InvalidTypeError(
            "`transaction_model`: expected a BetaGeo, ModifiedBetaGeo, ParetoNBD or BetaGeoBetaBinom "
            f"model, got {_describe(transaction_model)}{hint}",
            field="transaction_model",
        )
    if not isinstance(spend_model, GammaGamma):
        raise InvalidTypeError(
            f"`spend_model`: expected a GammaGamma model, got {_describe(spend_model)}{hint}",
            field="spend_model",
        )
