"""Probabilistic lifetime models of non-contractual customer bases ("buy 'til you die").

* :class:`BetaGeo` — BG/NBD, Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way".
* :class:`ModifiedBetaGeo` — MBG/NBD, Batislam, Denizel & Filiztekin (2007).
* :class:`ParetoNBD` — Pareto/NBD, Schmittlein, Morrison & Colombo (1987); Fader & Hardie (2005).

Models are fitted by maximum likelihood on log-parameters (BFGS with analytic gradients) in the
Rust core; the covariance comes from the Hessian at the estimate. Times are in the unit of the
summary the model was fitted on (weeks for the CDNOW summary): the model records it
(``time_unit_``, from the summary's ``attrs["time_unit"]``), and a summary given to
:meth:`~BetaGeo.predict` that records another unit is an error rather than a silent rescaling.

Per-customer inputs given as pandas Series are aligned by index label, as pandas (and lifetimes)
would: the same labels in another order are reordered to the first Series' index, which labels
the result; other labels, or a plain array of another length, are an error naming both
arguments and the first label that differs (see :func:`cvm._convert.align`).
"""

from __future__ import annotations

from typing import Any, ClassVar, Optional, TypeVar

import numpy as np
import pandas as pd

from . import _convert, _covariates, _cvm, _output, _progress
from ._fitted import _Fitted

__all__ = ["BetaGeo", "ModifiedBetaGeo", "ParetoNBD", "load_model"]


_ROWS = ("frequency", "recency", "T", "weights")


def _customers(frequency, recency, T):
    """The three customer columns as float64, pandas inputs aligned by label, and the index
    that labels the results (the first pandas input's)."""
    cols, index = _convert.align({"frequency": frequency, "recency": recency, "T": T})
    return (
        _convert.floats(cols["frequency"], "frequency"),
        _convert.floats(cols["recency"], "recency"),
        _convert.floats(cols["T"], "T"),
        index,
    )


def _scored(progress: Any, f: np.ndarray, r: np.ndarray, tt: np.ndarray, work: Any, desc: str) -> Any:
    """``work(frequency, recency, T)`` on the customers, in chunks behind a bar with ``progress``."""
    parts = _progress.run(_progress.flag(progress), {"frequency": f, "recency": r, "T": tt},
                          lambda c: work(c["frequency"], c["recency"], c["T"]), desc=desc)
    return _progress.concat(parts)


def _summary_columns(summary, *names: str) -> tuple[pd.DataFrame, list[pd.Series]]:
    """``summary`` as pandas (polars converted) and its columns ``names`` (a missing one is a
    :class:`cvm.MissingColumnError` listing the columns present)."""
    df = _convert.frame(summary, "summary")
    return df, [_convert.get(df, n) for n in names]


# The transaction model at hand (`fit` returns it: `typing.Self`, spelt for Python 3.9).
_T = TypeVar("_T", bound="_TransactionModel")


class _TransactionModel(_Fitted):
    """Shared behaviour of the continuous-time transaction models."""

    _kind: ClassVar[str]
    _param_names: ClassVar[tuple[str, ...]]

    # -- fitting ---------------------------------------------------------------------------
    def fit(self: _T, frequency: Any, recency: Any = None, T: Any = None, weights: Any = None,
            initial: Optional[dict] = None, *, time_unit: Optional[str] = None,
            transaction_covariates: Any = None, lifetime_covariates: Any = None, l2: float = 0.0,
            shared: Any = ()) -> _T:
        """Fit by maximum likelihood, with covariates if given (docs/covariates.md).

        Parameters
        ----------
        frequency : array-like or pandas.DataFrame
            Repeat purchases per customer, or a customer summary with ``frequency``, ``recency``
            and ``T`` columns (and optionally ``weights``).
        recency, T : array-like
            Age at the last purchase and at the end of calibration (same unit).
        weights : array-like, optional
            Number of customers each row stands for (e.g. from :func:`cvm.compress`).
        initial : dict, optional
            Starting values by parameter name (default: automatic).
        time_unit : {"D", "W", "M", "Y"}, optional
            The unit of ``recency`` and ``T``, recorded by the model (:attr:`time_unit_`). By
            default the unit the data record in ``attrs["time_unit"]`` (as summaries from
            :func:`cvm.summary_from_transactions` and the CDNOW loaders do), else ``None``.
        transaction_covariates, lifetime_covariates : pandas.DataFrame or Series, optional
            Covariates of the purchase process (coefficients ``trans_<column>``: the purchase
            rates are multiplied by ``exp(γ_trans · z)``) and of the dropout process
            (``life_<column>``), one row per customer, matched to the summary by its index
            (customer id; extra rows ignored). Numeric columns (int, float, bool) enter as they
            are; ``category``, ``object`` and ``string`` columns are expanded to indicators
            ``<column>[<level>]`` against a reference level (the first category present of a
            ``category`` column, else the first level in sorted order). A polars or pyarrow
            table is taken row by row. Covariates use every customer (no ``weights``).
        l2 : float, default 0
            L2 penalty ``l2 · Σ γ²`` on the coefficients only (not the base parameters).
        shared : sequence of str, optional
            Columns in both covariate tables whose coefficient is the same for both processes
            (named ``shared_<column>``).

        Returns
        -------
        self

        Raises
        ------
        InvalidValueError
            ``time_unit`` contradicts the unit the data record (the message names both and how
            to fix it; ``field`` is ``time_unit``). A customer of the summary without a row in
            the covariates, a customer id repeated in them, a missing value (``field`` names the
            column, ``index`` the row), ``weights`` or ``initial`` with covariates.
        UnknownNameError
            ``time_unit`` is not a unit (``valid`` lists ``D, W, M, Y``).
        NotIdentifiedError
            The data cannot identify the parameters (no repeat purchase at all, every customer
            with the same history); a covariate column that is constant or a linear combination
            of others; ``model`` and ``reason`` say which and why.
        MissingColumnError
            A summary DataFrame without a ``frequency``, ``recency`` or ``T`` column (also a
            :class:`KeyError`; the message lists the columns present).
        InvalidInputError
            Negative/NaN values, recency > T, non-integer frequency, frequency > 0 with recency 0,
            weights <= 0, a value that is not a number, Series whose index labels differ
            (``field`` and ``index`` name the first offending value; the message adds the
            index label).
        ConvergenceError
            The optimiser did not converge; the error carries ``iterations``,
            ``gradient_norm``, ``log_likelihood`` and ``params`` of the last iterate.
        """
        if _convert.is_table(frequency):
            unit = _convert.fit_time_unit(time_unit, summary=frequency)
            df, (frequency, recency, T) = _summary_columns(frequency, "frequency", "recency", "T")
            if weights is None and "weights" in df.columns:
                weights = df["weights"]
        else:
            unit = _convert.fit_time_unit(time_unit, frequency=frequency, recency=recency, T=T)
        cols, index = _convert.align({"frequency": frequency, "recency": recency, "T": T, "weights": weights})
        f, r, t, _ = _customers(cols["frequency"], cols["recency"], cols["T"])
        w = None if weights is None else _convert.floats(cols["weights"], "weights")
        init = self._initial(initial)
        if transaction_covariates is None and lifetime_covariates is None:
            _covariates.check_no_options(l2, shared)
            with _convert.rows_labelled(index, _ROWS):
                self._model = _cvm.Model.fit(self._kind, f, r, t, w, *self._fit_options(), init, unit)
            return self
        _covariates.check_fit(weights=w, initial=init)
        args = _covariates.native_args(index, len(f), transaction_covariates=transaction_covariates,
                                       lifetime_covariates=lifetime_covariates)
        with _covariates.errors_named(index, _ROWS, args):
            self._model = _cvm.CovariateModel.fit(self._kind, f, r, t, args["transaction"], args["lifetime"],
                                                  _convert.number(l2, "l2"), _covariates.names(shared, "shared"),
                                                  *self._fit_options(), unit)
        return self

    @classmethod
    def _native_from_params(cls, params: list, time_unit: Optional[str] = None):
        return _cvm.Model.from_params(cls._kind, params, time_unit)

    @classmethod
    def _native_from_json(cls, text: str):
        model = _cvm.Model.from_json(text)
        if model.kind != cls._kind:
            from .exceptions import SerializationError

            raise SerializationError(f"`$.model`: expected {cls._kind!r}, got {model.kind!r}", field="$.model")
        return model

    # -- predictions -----------------------------------------------------------------------
    def expected_purchases_new_customer(self, t):
        """Expected repeat purchases of a new customer in (0, t]."""
        scalar = np.ndim(t) == 0
        out = self._plain("expected_purchases_new_customer").expected_purchases_new_customer(_convert.floats(np.atleast_1d(t), "t"))
        return float(out[0]) if scalar else out

    def _scored_with(self, desc: str, method: str, progress: Any, f: np.ndarray, r: np.ndarray, tt: np.ndarray,
                     index: Optional[pd.Index], covariates: dict, *head: Any) -> Any:
        """``method(*head, frequency, recency, T)`` of the native model for each customer, in
        chunks (``progress``, a bar named ``desc``): a covariate model's with the customers'
        covariates."""
        m = self._fitted
        args = _covariates.for_model(self, index, len(f), **covariates)
        with _covariates.errors_named(index, _ROWS, args):
            if args is None:
                return _scored(progress, f, r, tt, lambda *c: getattr(m, method)(*head, *c), desc)
            return _covariates.chunked(
                _progress.flag(progress), {"frequency": f, "recency": r, "T": tt}, args,
                lambda c, a: getattr(m, method)(*head, c["frequency"], c["recency"], c["T"], **a), desc)

    def expected_purchases(self, t: float, frequency, recency, T, *, progress: bool = False,
                           transaction_covariates: Any = None, lifetime_covariates: Any = None):
        """Expected purchases in (T, T + t] of customers with history (frequency, recency, T).

        ``progress=True`` shows a bar (tqdm) while the customers are scored in chunks (about
        1 µs a customer); the values are the same. A model fitted with covariates needs each
        customer's (``transaction_covariates``, ``lifetime_covariates``, matched by the index of
        ``frequency`` as in :meth:`fit`) and predicts at each customer's parameters.
        """
        f, r, tt, index = _customers(frequency, recency, T)
        out = self._scored_with("expected_purchases", "conditional_expected_purchases", progress, f, r, tt, index,
                                {"transaction_covariates": transaction_covariates,
                                 "lifetime_covariates": lifetime_covariates}, _convert.number(t, "t"))
        return _convert.shaped(out, index, frequency, recency, T)

    def probability_alive(self, frequency, recency, T, *, progress: bool = False,
                          transaction_covariates: Any = None, lifetime_covariates: Any = None):
        """Probability that each customer is still active at T (``progress`` and the covariates:
        as :meth:`expected_purchases`)."""
        f, r, tt, index = _customers(frequency, recency, T)
        out = self._scored_with("probability_alive", "probability_alive", progress, f, r, tt, index,
                                {"transaction_covariates": transaction_covariates,
                                 "lifetime_covariates": lifetime_covariates})
        return _convert.shaped(out, index, frequency, recency, T)

    def probability_of_n_purchases(self, n: int, t: float, *, transaction_covariates: Any = None,
                                   lifetime_covariates: Any = None):
        """P(X(t) = n): probability that a new customer makes n repeat purchases in (0, t].

        A model fitted with covariates gives it for a new customer with each row's covariates
        (a Series indexed like the covariates).
        """
        n, t = _convert.whole(n, "n"), _convert.number(t, "t")
        if not self._covariate:
            _covariates.for_model(self, None, 0, transaction_covariates=transaction_covariates,
                                  lifetime_covariates=lifetime_covariates)
            return self._fitted.probability_of_n_purchases(n, t)
        index, rows = _covariates.rows_of(transaction_covariates, lifetime_covariates)
        args = _covariates.native_args(index, rows, transaction_covariates=transaction_covariates,
                                       lifetime_covariates=lifetime_covariates)
        with _covariates.errors_named(index, (), args):
            values = self._fitted.probability_of_n_purchases(t, n, rows, **args)
        return pd.Series(values, index=index)

    def log_likelihood_individual(self, frequency, recency, T, *, transaction_covariates: Any = None,
                                  lifetime_covariates: Any = None):
        """Each customer's log-likelihood (a model fitted with covariates: at the customer's
        parameters, from the covariates as in :meth:`expected_purchases`)."""
        f, r, tt, index = _customers(frequency, recency, T)
        out = self._scored_with("log_likelihood_individual", "log_likelihood_individual", False, f, r, tt, index,
                                {"transaction_covariates": transaction_covariates,
                                 "lifetime_covariates": lifetime_covariates})
        return _convert.shaped(out, index, frequency, recency, T)

    def customer_params(self, *, transaction_covariates: Any = None, lifetime_covariates: Any = None) -> pd.DataFrame:
        """Each customer's parameters (the papers' names) from the customer's covariates, for a
        model fitted with covariates: the plain model at these parameters gives the customer's
        predictions. Indexed like the covariates."""
        return _covariates.customer_params(self, transaction_covariates=transaction_covariates,
                                           lifetime_covariates=lifetime_covariates)

    def frequency_recency_matrix(self, t: float = 1, max_frequency: Optional[int] = None,
                                 max_recency: Optional[float] = None, summary=None, *,
                                 progress: bool = False) -> pd.DataFrame:
        """Expected purchases in the next ``t`` over the frequency × recency grid
        (:func:`cvm.frequency_recency_matrix`)."""
        from .history import frequency_recency_matrix

        return frequency_recency_matrix(self, t, max_frequency, max_recency, summary, progress=progress)

    def probability_alive_matrix(self, max_frequency: Optional[int] = None, max_recency: Optional[float] = None,
                                 summary=None, *, progress: bool = False) -> pd.DataFrame:
        """P(alive) over the frequency × recency grid (:func:`cvm.probability_alive_matrix`)."""
        from .history import probability_alive_matrix

        return probability_alive_matrix(self, max_frequency, max_recency, summary, progress=progress)

    def probability_alive_history(self, transactions, customer_id, customer_id_col: str, datetime_col: str,
                                  end=None, freq: str = "D", points: int = 200) -> pd.DataFrame:
        """One customer's P(alive) path from the transaction log
        (:func:`cvm.probability_alive_history`)."""
        from .history import probability_alive_history

        return probability_alive_history(self, transactions, customer_id, customer_id_col, datetime_col, end, freq,
                                         points)

    def expected_cumulative_transactions(self, birth, times, *, progress: bool = False) -> np.ndarray:
        """Expected cumulative repeat transactions of a cohort at calendar times (tracking curve).

        ``birth`` is each customer's first-purchase time and ``times`` the calendar times, on one
        axis in the model's time unit. From a transaction log, with the actual counts beside:
        :func:`cvm.expected_cumulative_transactions`. The work is customers × times;
        ``progress=True`` shows a bar over the times, computed in chunks (the same values).
        """
        b, m = _convert.floats(birth, "birth"), self._plain("expected_cumulative_transactions")
        parts = _progress.run(_progress.flag(progress), {"times": _convert.floats(times, "times")},
                              lambda c: m.expected_cumulative_transactions(b, c["times"]),
                              desc="expected_cumulative_transactions", unit="time",
                              step=max(8, -(-len(times) // _progress.STEPS)))
        return _progress.concat(parts)

    @_output.tables
    def predict(self, summary: pd.DataFrame, t: float, level: Optional[float] = None, *,
                progress: bool = False, output: str = "pandas", transaction_covariates: Any = None,
                lifetime_covariates: Any = None) -> pd.DataFrame:
        """Tidy predictions for a customer summary, indexed like it.

        Columns ``probability_alive`` and ``expected_purchases`` (in (T, T+t]), computed in one
        pass (the same values as :meth:`probability_alive` and :meth:`expected_purchases`, for
        less than the cost of the two calls); with ``level``, delta-method intervals
        ``*_lower``/``*_upper`` (P(alive) on the logit scale, purchases on the log scale).
        ``progress=True`` shows a bar (tqdm, the ``progress`` extra) while the customers are
        scored in chunks (about 1.3 µs a customer, 13 µs with ``level``); the values are the same.
        ``t`` is in the model's time unit; a summary that records a unit other than
        :attr:`time_unit_` in ``attrs["time_unit"]`` is an :class:`InvalidValueError`
        (``field`` ``summary``). A model fitted with covariates needs each customer's
        (``transaction_covariates``, ``lifetime_covariates``, matched to the summary by its
        index as in :meth:`fit`) and predicts at each customer's parameters.

        Examples
        --------
        >>> import cvm
        >>> m = cvm.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
        >>> summary = cvm.datasets.load_cdnow_summary()
        >>> pred = m.predict(summary, t=39)
        >>> list(pred.columns)
        ['probability_alive', 'expected_purchases']
        >>> bool(((pred["probability_alive"] >= 0) & (pred["probability_alive"] <= 1)).all())
        True
        """
        _convert.check_summary_unit(summary, self.time_unit_)
        summary, cols = _summary_columns(summary, "frequency", "recency", "T")
        f, r, tt, _ = _customers(*cols)
        t = _convert.number(t, "t")
        level = _convert.optional_number(level, "level")
        m = self._fitted
        args = _covariates.for_model(self, summary.index, len(f), transaction_covariates=transaction_covariates,
                                     lifetime_covariates=lifetime_covariates)

        def work(*c: np.ndarray, kw: Optional[dict] = None) -> tuple:
            if level is None:
                if kw is not None:
                    return m.probability_alive(*c, **kw), m.conditional_expected_purchases(t, *c, **kw)
                return m.probability_alive_and_expected_purchases(t, *c)
            # The intervals carry their estimates (the same values, bit for bit).
            alive, alive_lo, alive_hi = m.probability_alive_interval(*c, level, **(kw or {}))
            expected, expected_lo, expected_hi = m.conditional_expected_purchases_interval(t, *c, level, **(kw or {}))
            return alive, expected, alive_lo, alive_hi, expected_lo, expected_hi

        with _covariates.errors_named(summary.index, _ROWS, args):
            if args is None:
                values = _scored(progress, f, r, tt, work, "predict")
            else:
                values = _covariates.chunked(_progress.flag(progress), {"frequency": f, "recency": r, "T": tt}, args,
                                             lambda c, a: work(c["frequency"], c["recency"], c["T"], kw=a), "predict")
        names = ["probability_alive", "expected_purchases"]
        if level is not None:
            names += ["probability_alive_lower", "probability_alive_upper", "expected_purchases_lower",
                      "expected_purchases_upper"]
        # The columns are fresh arrays of the native call: wrapped, not copied into one block.
        return pd.DataFrame(dict(zip(names, values)), index=summary.index, copy=False)

    @_output.tables
    def calibration_holdout_table(self, summary: pd.DataFrame, max_frequency: int = 7, *, output: str = "pandas") -> pd.DataFrame:
        """Mean actual vs predicted holdout purchases per calibration-frequency bucket.

        ``summary`` needs ``frequency``, ``recency``, ``T``, ``frequency_holdout`` and
        ``duration_holdout`` (as returned by :func:`cvm.summary_from_transactions` with a
        calibration end). The last bucket collects ``frequency >= max_frequency``. A summary
        recording a unit other than :attr:`time_unit_` is an :class:`InvalidValueError`.
        """
        _convert.check_summary_unit(summary, self.time_unit_)
        summary, (fc, rc, tc, hc, dc) = _summary_columns(
            summary, "frequency", "recency", "T", "frequency_holdout", "duration_holdout"
        )
        f, r, tt, _ = _customers(fc, rc, tc)
        h = _convert.floats(hc, "frequency_holdout")
        if len(dc) == 0:
            from .exceptions import EmptyInputError

            raise EmptyInputError("`summary`: no customers", field="summary")
        duration = _convert.number(dc.iloc[0], "duration_holdout")
        with _convert.rows_labelled(summary.index, _ROWS + ("frequency_holdout",)):
            d = self._plain("calibration_holdout_table").calibration_holdout_table(f, r, tt, h, duration, _convert.whole(max_frequency, "max_frequency"))
        return pd.DataFrame(d).set_index("frequency")

    def repeat_histogram(self, summary: pd.DataFrame, max_count: int = 7) -> tuple[pd.DataFrame, float, int]:
        """Actual vs expected number of customers by repeat count, with a chi-square statistic.

        Returns ``(table, chi_square, degrees_of_freedom)``. A summary recording a unit other
        than :attr:`time_unit_` is an :class:`InvalidValueError`.
        """
        _convert.check_summary_unit(summary, self.time_unit_)
        summary, (fc, tc) = _summary_columns(summary, "frequency", "T")
        f = _convert.floats(fc, "frequency")
        tt = _convert.floats(tc, "T")
        with _convert.rows_labelled(summary.index, _ROWS):
            d = self._plain("repeat_histogram").repeat_histogram(f, tt, _convert.whole(max_count, "max_count"))
        table = pd.DataFrame({"actual": d["actual"], "expected": d["expected"]}, index=pd.Index(d["count"], name="count"))
        return table, d["chi_square"], d["degrees_of_freedom"]

    def simulate(self, n_customers: int, calibration_end: float, birth_window: float = 0.0, holdout_length: float = 0.0, seed: int = 42) -> pd.DataFrame:
        """A seeded synthetic cohort drawn from the model: frequency, recency, T, birth, frequency_holdout.

        Times are in the model's unit, recorded in ``attrs["time_unit"]`` like a summary's.
        """
        d = _cvm.simulate_model(
            self._kind, self._plain("simulate").params, _convert.whole(n_customers, "n_customers"),
            _convert.number(calibration_end, "calibration_end"), _convert.number(birth_window, "birth_window"),
            _convert.number(holdout_length, "holdout_length"), _convert.whole(seed, "seed"),
        )
        out = pd.DataFrame(d)
        out.attrs["time_unit"] = self.time_unit_
        return out


class BetaGeo(_TransactionModel):
    """BG/NBD model (Fader, Hardie & Lee 2005): parameters ``r, alpha, a, b``.

    Examples
    --------
    >>> import cvm
    >>> m = cvm.BetaGeo().fit(cvm.datasets.load_cdnow_summary())
    >>> round(m.params_["r"], 3), round(m.params_["b"], 2)
    (0.243, 2.43)
    >>> m.time_unit_  # the summary's attrs["time_unit"]: alpha is in weeks
    'W'
    """

    _kind = "bg_nbd"
    _param_names = ("r", "alpha", "a", "b")


class ModifiedBetaGeo(_TransactionModel):
    """MBG/NBD model (Batislam, Denizel & Filiztekin 2007): parameters ``r, alpha, a, b``."""

    _kind = "mbg_nbd"
    _param_names = ("r", "alpha", "a", "b")


class ParetoNBD(_TransactionModel):
    """Pareto/NBD model (Schmittlein, Morrison & Colombo 1987): parameters ``r, alpha, s, beta``."""

    _kind = "pareto_nbd"
    _param_names = ("r", "alpha", "s", "beta")

    def discounted_expected_residual_transactions(self, frequency, recency, T, discount_rate: float):
        """DERT (Fader, Hardie & Lee 2005, "RFM and CLV") at continuous discount rate ``discount_rate``
        per unit of time (e.g. ``log(1.15) / 52`` for 15 % a year in weeks)."""
        f, r, tt, index = _customers(frequency, recency, T)
        rate = _convert.number(discount_rate, "discount_rate")
        with _convert.rows_labelled(index, _ROWS):
            return _convert.shaped(self._plain("dert").dert(f, r, tt, rate), index, frequency, recency, T)

    def conditional_probability_of_n_purchases(self, n: int, t: float, frequency, recency, T):
        """P(X(T, T + t) = n | frequency, recency, T): the probability that each customer makes
        exactly ``n`` purchases in the next ``t`` units of time (Fader & Hardie 2006, "Deriving an
        expression for P(X(t, t+τ) = x) under the Pareto/NBD model", eq. 16, computed as
        ``[n = 0](1 − P(alive)) + P(alive) · P'(X(t) = n)`` with the posterior parameters
        ``(r + x, alpha + T, s, beta + T)``: positive terms only, summing to 1 over ``n``).

        Raises
        ------
        InvalidValueError
            ``n`` not a whole number ≥ 0, ``t`` negative or not finite, or an invalid customer
            (``field`` names the column, ``index`` the row).

        Examples
        --------
        >>> import cvm
        >>> m = cvm.ParetoNBD.from_params(r=0.553, alpha=10.578, s=0.606, beta=11.669)
        >>> p = m.conditional_probability_of_n_purchases(0, 39.0, [2.0], [30.43], [38.86])
        >>> round(float(p[0]), 4)
        0.4081
        """
        f, r, tt, index = _customers(frequency, recency, T)
        count = _convert.whole(n, "n")
        horizon = _convert.number(t, "t")
        with _convert.rows_labelled(index, _ROWS):
            values = self._plain("conditional_probability_of_n_purchases").conditional_probability_of_n_purchases(count, horizon, f, r, tt)
        return _convert.shaped(values, index, frequency, recency, T)


_CLASSES = {cls._kind: cls for cls in (BetaGeo, ModifiedBetaGeo, ParetoNBD)}


def load_model(text: str):
    """Read any model document (its ``model`` field selects the class); a document of a model
    fitted with covariates gives that model (a BG/BB or Gamma-Gamma one too).

    Raises
    ------
    SerializationError
        Malformed JSON, an unknown ``model`` kind or invalid parameters (``field`` is the JSON
        path).
    InvalidTypeError
        ``text`` is not a string.
    """
    if not isinstance(text, (str, bytes, bytearray)):
        from .exceptions import InvalidTypeError

        raise InvalidTypeError(f"`text`: expected a JSON string, got {type(text).__name__}", field="text")
    if not isinstance(text, str):
        text = bytes(text).decode("utf-8", errors="replace")
    if not _covariates.is_document(text):
        plain = _cvm.Model.from_json(text)
        self: Any = _CLASSES[plain.kind]()
        self._model = plain
        return self
    from .lifetime2 import BetaGeoBetaBinom, GammaGamma

    model = _cvm.CovariateModel.from_json(text)
    classes: dict[str, type] = {**_CLASSES, "bg_bb": BetaGeoBetaBinom, "gamma_gamma": GammaGamma}
    self = classes[model.kind]()
    self._model = model
    return self
