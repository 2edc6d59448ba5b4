"""lifetimes' fitters over cvm's models: the base class every fitter shares.

A fitter holds a cvm model (:class:`cvm.BetaGeo`, :class:`cvm.GammaGamma`, …) and shows it under
lifetimes' names: ``params_`` (a Series with lifetimes' parameter names), ``data``,
``variance_matrix_``, ``standard_errors_``, ``confidence_intervals_`` and ``summary``. Every
number is the cvm model's; this layer renames, reshapes and checks arguments.
"""

from __future__ import annotations

import pickle
from typing import Any, ClassVar, Optional

import numpy as np
import pandas as pd

from ....exceptions import InvalidTypeError, InvalidValueError

__all__ = ["BaseFitter"]

_BOUNDS = ("lower 95% bound", "upper 95% bound")


class BaseFitter:
    """The behaviour every lifetimes fitter shares: fitted attributes, ``summary``, persistence.

    Subclasses name the cvm class they wrap (``_cvm_class``) and lifetimes' parameter names
    (``_names``, mapped in order onto the cvm model's parameters).
    """

    _cvm_class: ClassVar[Any]
    _names: ClassVar[tuple[str, ...]]
    # The cvm model, set by fit or by assigning params_ (absent before).
    _model: Any

    def __init__(self, penalizer_coef=0.0):
        self.penalizer_coef = penalizer_coef

    # -- the cvm model and lifetimes' fitted attributes ------------------------------------------
    def _fitted(self) -> Any:
        model = self.__dict__.get("_model")
        if model is None:
            raise InvalidValueError(
                f"{type(self).__name__} has not been fit yet: call .fit(...) first (or assign params_)",
                field="model")
        return model

    def _unload_params(self, *names: str) -> list:
        params = self.params_
        return [params[n] for n in names]

    @property
    def params_(self) -> pd.Series:
        """The parameters, named as lifetimes names them (e.g. ``r, alpha, a, b``).

        Assigning a Series (or dict) with every parameter sets the model to those values, as
        lifetimes users do to score with known parameters; the fit statistics are then gone.
        """
        values = list(self._fitted().params_.values())
        return pd.Series(values, index=list(self._names), dtype=np.float64)

    @params_.setter
    def params_(self, value) -> None:
        if not hasattr(value, "keys"):
            raise InvalidTypeError(
                f"`params_`: expected a pandas Series or dict keyed by {list(self._names)}, got "
                f"{type(value).__name__}", field="params_")
        missing = [n for n in self._names if n not in value.keys()]
        if missing:
            raise InvalidValueError(f"`params_`: missing {missing} (expected {list(self._names)})", field="params_")
        cvm_names = self._cvm_class._param_names
        unit = None if self.__dict__.get("_model") is None else self._model.time_unit_
        self._model = self._cvm_class.from_params(
            time_unit=unit, **{c: float(value[n]) for c, n in zip(cvm_names, self._names)})

    @property
    def variance_matrix_(self) -> pd.DataFrame:
        """Covariance of the estimates on the natural scale (delta method, symmetric)."""
        cov = self._fitted().covariance_
        if cov is None:
            raise AttributeError(f"{type(self).__name__} built from parameters has no variance_matrix_")
        return pd.DataFrame(cov.to_numpy(), index=list(self._names), columns=list(self._names))

    @property
    def standard_errors_(self) -> pd.Series:
        """Standard errors of the estimates (square roots of the variance diagonal)."""
        se = self._fitted().standard_errors_
        if se is None:
            raise AttributeError(f"{type(self).__name__} built from parameters has no standard_errors_")
        return pd.Series(se.to_numpy(), index=list(self._names), dtype=np.float64)

    @property
    def confidence_intervals_(self) -> pd.DataFrame:
        """95 % intervals of the parameters, columns ``lower 95% bound`` and ``upper 95% bound``.

        Formed on the log scale (cvm's :meth:`~cvm.BetaGeo.confidence_intervals`), so the bounds
        of a positive parameter stay positive; lifetimes' ``estimate ± 1.96·se`` can go negative.
        """
        self.standard_errors_  # the same AttributeError without a fit
        ci = self._fitted().confidence_intervals(0.95)
        return pd.DataFrame({_BOUNDS[0]: ci["lower"].to_numpy(), _BOUNDS[1]: ci["upper"].to_numpy()},
                            index=list(self._names))

    @property
    def summary(self) -> pd.DataFrame:
        """The parameter table: ``coef``, ``se(coef)``, ``lower 95% bound``, ``upper 95% bound``."""
        df = pd.DataFrame(index=list(self._names))
        df["coef"] = self.params_
        df["se(coef)"] = self.standard_errors_
        ci = self.confidence_intervals_
        for c in _BOUNDS:
            df[c] = ci[c]
        return df

    @property
    def cvm_model(self) -> Any:
        """The cvm model behind the fitter (intervals, JSON, CLV and everything else of cvm)."""
        return self._fitted()

    def _fit_model(self, data: dict, index, initial_params, weights_name: str = "weights", **fit_args) -> None:
        """Fit the cvm model on ``data`` (argument name → values) and record ``self.data``."""
        initial = None
        if initial_params is not None:
            values = np.asarray(initial_params, dtype=np.float64).ravel()
            if values.shape != (len(self._names),):
                raise InvalidValueError(
                    f"`initial_params`: expected {len(self._names)} log-parameters ({', '.join(self._names)}), "
                    f"got {values.shape[0]} values", field="initial_params")
            initial = dict(zip(self._cvm_class._param_names, np.exp(values)))
        model = self._cvm_class(penalizer=self.penalizer_coef)
        self._model = model.fit(*data.values(), initial=initial, **fit_args)
        frame = {k: np.asarray(v) for k, v in data.items() if v is not None}
        weights = data.get(weights_name)
        frame[weights_name] = np.ones(len(next(iter(frame.values()))), dtype=np.int64) if weights is None \
            else np.asarray(weights)
        self.data = pd.DataFrame(frame, index=index)

    # -- persistence -------------------------------------------------------------------------------
    def save_model(self, path, save_data=True, save_generate_data_method=True, values_to_save=None):
        """Save the fitter to ``path`` (a pickle; lifetimes writes a dill pickle).

        ``save_data=False`` leaves ``data`` out (stored as ``values_to_save[0]``, default
        ``None``); ``save_generate_data_method=False`` stores ``generate_new_data`` as
        ``values_to_save[1]`` (default ``None``). The cvm model inside is pickled as its
        versioned JSON document.
        """
        left_out = [name for name, keep in (("data", save_data), ("generate_new_data", save_generate_data_method))
                    if not keep]
        values = [None] * len(left_out) if values_to_save is None else list(values_to_save)
        state = dict(self.__dict__)
        for name, value in zip(left_out, values):
            state[name] = value
        clone = type(self).__new__(type(self))
        clone.__dict__.update(state)
        with open(path, "wb") as fh:
            pickle.dump(clone, fh)

    def load_model(self, path):
        """Load a fitter saved by :meth:`save_model` into this one (pickle: load trusted files only)."""
        with open(path, "rb") as fh:
            other = pickle.load(fh)
        if not isinstance(other, BaseFitter):
            raise InvalidTypeError(f"`path`: {path} holds a {type(other).__name__}, not a fitter saved by save_model",
                                   field="path")
        self.__dict__.update(other.__dict__)

    def __repr__(self) -> str:
        name = type(self).__name__
        if self.__dict__.get("_model") is None:
            return f"<lifetimes.{name}>"
        data = self.__dict__.get("data")
        subjects = "" if data is None else f" fitted with {data.shape[0]:d} subjects,"
        params = ", ".join(f"{k}: {v:.2f}" for k, v in sorted(self.params_.items()))
        return f"<lifetimes.{name}:{subjects} {params}>"
