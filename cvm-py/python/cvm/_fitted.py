"""The shared behaviour of every fitted model class: fitted attributes, the unit of the data,
persistence, pickling, repr. Subclasses name their parameters and their native class (or
override the two ``_native_*`` hooks)."""

from __future__ import annotations

from typing import Any, ClassVar, Optional, TypeVar

import pandas as pd


# The class of the model at hand: `fit`, `from_params`, `from_json` and `with_time_unit` return
# it (what `typing.Self` says, spelt so for Python 3.9 and 3.10 without typing_extensions).
_F = TypeVar("_F", bound="_Fitted")


def _not_fitted():
    from .exceptions import InvalidValueError

    return InvalidValueError("the model is not fitted: call fit() or from_params() first", field="model")


class _Fitted:
    """Shared behaviour: fitted attributes, persistence, pickling, repr."""

    _native: ClassVar[Any]
    _param_names: ClassVar[tuple[str, ...]]
    # The model family's name in documents (`bg_nbd`, `gamma_gamma`, …).
    _kind: ClassVar[str]

    def __init__(self, penalizer: float = 0.0, max_iterations: Optional[int] = None, tolerance: Optional[float] = None):
        from . import _convert

        self.penalizer = _convert.number(penalizer, "penalizer")
        self.max_iterations = max_iterations
        self.tolerance = tolerance
        self._model: Any = None

    @classmethod
    def _native_from_params(cls, params: list, time_unit: Optional[str] = None):
        return cls._native.from_params(params, time_unit)

    @classmethod
    def _native_from_json(cls, text: str):
        return cls._native.from_json(text)

    @classmethod
    def _load_native(cls, text: str):
        """The native model of a document: a covariate model's (it has a ``covariates``
        section) or the class's plain one."""
        from . import _covariates, _cvm

        if not _covariates.is_document(text):
            return cls._native_from_json(text)
        model = _cvm.CovariateModel.from_json(text)
        expected = getattr(cls, "_kind", None)
        if model.kind != expected:
            from .exceptions import SerializationError

            want = f"a {cls.__name__} document" if expected is None else repr(expected)
            raise SerializationError(f"`$.model`: expected {want}, got {model.kind!r}", field="$.model")
        return model

    @property
    def _covariate(self) -> bool:
        """Whether the model was fitted with covariates."""
        from . import _cvm

        return isinstance(self._model, _cvm.CovariateModel)

    @property
    def _names(self) -> tuple[str, ...]:
        """The parameter names: the papers' names, then the coefficients of a covariate model."""
        return tuple(self._fitted.param_names) if self._covariate else self._param_names

    def _plain(self, method: str) -> Any:
        """The native plain model, for a method that a model fitted with covariates lacks."""
        if self._covariate:
            from ._covariates import not_fitted_with

            raise not_fitted_with(method)
        return self._fitted

    def _initial(self, initial: Optional[dict]):
        if initial is None:
            return None
        from . import _convert

        names = list(self._param_names)
        if not hasattr(initial, "keys") or sorted(initial.keys()) != sorted(names):
            from .exceptions import InvalidValueError

            got = list(initial.keys()) if hasattr(initial, "keys") else repr(initial)
            raise InvalidValueError(f"`initial`: expected a value for each of {names}, got {got}", field="initial")
        return [_convert.number(initial[name], f"initial.{name}") for name in names]

    def _fit_options(self) -> tuple[float, Optional[int], Optional[float]]:
        from . import _convert

        max_iterations = None if self.max_iterations is None else _convert.whole(self.max_iterations, "max_iterations")
        return (
            _convert.number(self.penalizer, "penalizer"),
            max_iterations,
            _convert.optional_number(self.tolerance, "tolerance"),
        )

    @classmethod
    def from_params(cls: type[_F], *, time_unit: Optional[str] = None, **params: float) -> _F:
        """A model with known parameters, by the papers' names.

        Parameters
        ----------
        time_unit : {"D", "W", "M", "Y"}, optional
            The unit of time of the data the parameters describe (e.g. ``"W"`` for rates per
            week), recorded as :attr:`time_unit_`; default ``None``: unknown (CLV then needs
            ``data_time_unit`` or a summary that records its unit).
        **params : float
            Every parameter, by name.

        Raises
        ------
        InvalidValueError
            A parameter missing, unexpected or outside its domain.
        UnknownNameError
            ``time_unit`` is not a unit (``valid`` lists ``D, W, M, Y``).

        Examples
        --------
        >>> import cvm
        >>> m = cvm.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426, time_unit="W")
        >>> m.time_unit_
        'W'
        """
        missing = [n for n in cls._param_names if n not in params]
        extra = [n for n in params if n not in cls._param_names]
        if missing or extra:
            from .exceptions import InvalidValueError

            raise InvalidValueError(
                f"`params`: expected {list(cls._param_names)}, missing {missing}, unexpected {extra}",
                field="params",
            )
        self = cls()
        from . import _convert

        unit = _convert.time_unit(time_unit, "time_unit")
        self._model = cls._native_from_params([_convert.number(params[n], n) for n in cls._param_names], unit)
        return self

    @classmethod
    def from_json(cls: type[_F], text: str) -> _F:
        """Read a model written by :meth:`to_json`."""
        from . import _convert

        self = cls()
        self._model = cls._load_native(_convert.text(text, "text"))
        return self

    def to_json(self) -> str:
        """The model as a versioned JSON document."""
        return self._fitted.to_json()

    def __getstate__(self):
        return {"penalizer": self.penalizer, "max_iterations": self.max_iterations, "tolerance": self.tolerance,
                "model": None if self._model is None else self._model.to_json()}

    def __setstate__(self, state):
        self.penalizer = state["penalizer"]
        self.max_iterations = state["max_iterations"]
        self.tolerance = state["tolerance"]
        self._model = None if state["model"] is None else self._load_native(state["model"])

    @property
    def _fitted(self) -> Any:
        if self._model is None:
            raise _not_fitted()
        return self._model

    @property
    def time_unit_(self) -> Optional[str]:
        """The unit of time of the model's data (``"D"``, ``"W"``, ``"M"``, ``"Y"``), or ``None``.

        Set by :meth:`fit` from the summary's ``attrs["time_unit"]`` (or its ``time_unit``
        argument), by ``from_params(..., time_unit=)`` or :meth:`with_time_unit`; kept by
        :meth:`to_json` and pickling. :func:`cvm.customer_lifetime_value` reads the customer
        data in this unit unless told otherwise.

        Examples
        --------
        >>> import cvm
        >>> cvm.BetaGeo().fit(cvm.datasets.load_cdnow_summary()).time_unit_
        'W'
        >>> print(cvm.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426).time_unit_)
        None
        """
        return self._fitted.time_unit

    def with_time_unit(self: _F, time_unit: Optional[str]) -> _F:
        """A copy of the model recording ``time_unit`` as the unit of its data (``None``: none).

        The parameters are not rescaled: use it to state the unit of a model built or loaded
        without one, not to convert a model to another unit.

        Parameters
        ----------
        time_unit : {"D", "W", "M", "Y"} or None

        Raises
        ------
        UnknownNameError
            ``time_unit`` is not a unit (``field`` is ``time_unit``; ``valid`` lists
            ``D, W, M, Y``).

        Examples
        --------
        >>> import cvm
        >>> m = cvm.GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
        >>> m.with_time_unit("W").time_unit_, m.time_unit_ is None
        ('W', True)
        """
        from . import _convert

        unit = _convert.time_unit(time_unit, "time_unit")
        model = self._plain("with_time_unit")
        new = type(self).__new__(type(self))
        new.__dict__.update(self.__dict__)
        new._model = model.with_time_unit(unit)
        return new

    @property
    def params_(self) -> dict:
        """Parameters by the papers' names; for a model fitted with covariates, then the
        coefficients ``trans_<column>``, ``life_<column>``, ``spend_<column>`` (``shared_<column>``
        for a coefficient shared by both processes; ``<column>[<level>]`` for the indicator of a
        level of a categorical column)."""
        return dict(zip(self._names, self._fitted.params))

    def _diag(self, key):
        d = self._fitted.diagnostics
        return None if d is None else d[key]

    @property
    def log_likelihood_(self) -> Optional[float]:
        """Log-likelihood at the estimate (None for a model built from parameters)."""
        return self._diag("log_likelihood")

    @property
    def aic_(self) -> Optional[float]:
        """Akaike information criterion of the fit."""
        return self._diag("aic")

    @property
    def bic_(self) -> Optional[float]:
        """Bayesian information criterion of the fit."""
        return self._diag("bic")

    @property
    def converged_(self) -> Optional[bool]:
        """Whether the optimiser converged."""
        return self._diag("converged")

    @property
    def iterations_(self) -> Optional[int]:
        """Iterations of the optimiser."""
        return self._diag("iterations")

    @property
    def n_obs_(self) -> Optional[float]:
        """Number of (weighted) observations in the likelihood."""
        return self._diag("n_obs")

    @property
    def gradient_norm_(self) -> Optional[float]:
        """Gradient norm at the estimate."""
        return self._diag("gradient_norm")

    @property
    def covariance_(self) -> Optional[pd.DataFrame]:
        """Covariance of the parameter estimates (natural scale); ``None`` for a model fitted with
        covariates (see :attr:`log_covariance_`)."""
        if self._covariate:
            return None
        c = self._fitted.covariance
        return None if c is None else pd.DataFrame(c, index=self._param_names, columns=self._param_names)

    @property
    def standard_errors_(self) -> Optional[pd.Series]:
        """Standard errors of the parameter estimates."""
        se = self._fitted.standard_errors
        return None if se is None else pd.Series(se, index=list(self._names))

    def confidence_intervals(self, level: float = 0.95) -> pd.DataFrame:
        """Confidence intervals of the parameters, formed on the log scale (the coefficients of a
        model fitted with covariates: ``γ ± z·se``)."""
        from . import _convert

        ci = self._fitted.confidence_intervals(_convert.number(level, "level"))
        return pd.DataFrame(ci, index=list(self._names), columns=["lower", "upper"])

    # -- covariates ------------------------------------------------------------------------
    @property
    def log_covariance_(self) -> Optional[pd.DataFrame]:
        """For a model fitted with covariates, the full covariance of ``(ln base parameters, γ)``
        (the inverse Hessian at the estimate, on the scale the model was fitted), labelled by
        :attr:`params_`' names; ``None`` for a plain model or without a covariance."""
        c = self._fitted.log_covariance if self._covariate else None
        return None if c is None else pd.DataFrame(c, index=list(self._names), columns=list(self._names))

    @property
    def covariates_(self) -> dict:
        """The covariate columns the model was fitted with, by argument
        (``{"transaction_covariates": [...], "lifetime_covariates": [...]}``); ``{}`` for a plain
        model."""
        from ._covariates import process_columns

        return process_columns(self._fitted) if self._covariate else {}

    @property
    def covariate_levels_(self) -> dict:
        """The levels of each categorical covariate column and its reference level (the level
        without an indicator), by argument and column:
        ``{"transaction_covariates": {"channel": {"levels": [...], "reference": "email"}}}``;
        ``{}`` for a plain model or without categorical columns."""
        if not self._covariate:
            return {}
        from ._covariates import ARGUMENTS

        by_prefix = {v.split("_")[0]: k for k, v in ARGUMENTS.items()}
        out: dict = {}
        for prefix, column, levels, reference in self._fitted.levels:
            out.setdefault(by_prefix[prefix], {})[column] = {"levels": list(levels), "reference": reference}
        return out

    def likelihood_ratio_test(self) -> Any:
        """The likelihood-ratio test of a model fitted with covariates against the plain model on
        the same customers: a :class:`cvm.LikelihoodRatioTest` ``(statistic, df, p_value)``.

        Raises
        ------
        InvalidValueError
            The model was fitted without covariates (``field`` ``model``).
        """
        from ._covariates import LikelihoodRatioTest

        if not self._covariate:
            from .exceptions import InvalidValueError

            raise InvalidValueError("`model`: the likelihood-ratio test needs a model fitted with covariates",
                                    field="model")
        statistic, df, p_value = self._fitted.likelihood_ratio_test()
        return LikelihoodRatioTest(statistic, df, p_value)

    @property
    def summary(self) -> pd.DataFrame:
        """The parameter table: ``estimate``, ``std_error``, ``lower_95`` and ``upper_95`` (the 95 %
        intervals of :meth:`confidence_intervals`) per parameter, indexed by the papers' names.
        A model built from parameters has no covariance: the table has ``estimate`` only.

        Examples
        --------
        >>> import cvm
        >>> m = cvm.BetaGeo().fit(cvm.datasets.load_cdnow_summary())
        >>> m.summary.round(4).loc["r"].tolist()
        [0.2426, 0.0126, 0.2192, 0.2685]
        >>> list(cvm.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426).summary.columns)
        ['estimate']
        """
        from ._display import parameter_table

        return parameter_table(self)

    def _headline(self) -> str:
        params = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
        unit = self.time_unit_
        ll = self.log_likelihood_
        tail = ("" if ll is None else f", log_likelihood={ll:.2f}") + ("" if unit is None else f", time_unit={unit!r}")
        return f"{type(self).__name__}({params}{tail})"

    def __repr__(self) -> str:
        """The parameters on one line, then :attr:`summary` and the fit statistics."""
        if self._model is None:
            return f"{type(self).__name__}(penalizer={self.penalizer})"
        from ._display import model_text

        return model_text(self, self._headline())

    def _repr_html_(self) -> str:
        """:attr:`summary` and the fit statistics (log-likelihood, AIC, BIC, customers,
        convergence) as HTML, for Jupyter."""
        if self._model is None:
            return f"<p>{type(self).__name__}(penalizer={self.penalizer}), not fitted</p>"
        from ._display import model_html

        return model_html(self)
