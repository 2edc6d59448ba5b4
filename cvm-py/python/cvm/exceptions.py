"""Exceptions raised by cvm.

Every error is a :class:`CvmError`. Invalid input raises an :class:`InvalidInputError`, which is
also a :class:`ValueError`; a fit that does not converge raises a :class:`ConvergenceError`, which
is also a :class:`RuntimeError`. Attributes ``field`` (the argument, column or JSON path) and
``index`` (the first offending element of an array, or ``None``) locate the problem.

Two classes keep older ``except`` clauses working: a :class:`MissingColumnError` (a column the
function reads is absent) is also a :class:`KeyError`, as pandas' ``df["T"]`` raised; an
:class:`InvalidTypeError` (an argument of the wrong type or kind, e.g. the models of a CLV call
swapped) is also a :class:`TypeError`.

Examples
--------
>>> import pandas as pd, cvm
>>> m = cvm.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
>>> try:
...     m.predict(pd.DataFrame({"frequency": [1.0], "recency": [2.0]}), t=10)
... except KeyError as e:
...     print(type(e).__name__, e.field, "|", e)
MissingColumnError T | `T`: no such column; the summary has columns 'frequency', 'recency'
"""

from __future__ import annotations

__all__ = [
    "CvmError",
    "InvalidInputError",
    "EmptyInputError",
    "LengthMismatchError",
    "InvalidValueError",
    "MissingColumnError",
    "InvalidTypeError",
    "UnknownNameError",
    "SerializationError",
    "ConvergenceError",
    "NotIdentifiedError",
    "NumericalError",
    "CvmWarning",
    "DegenerateSplitWarning",
    "ConcentrationWarning",
]


class CvmError(Exception):
    """Base class of every cvm error.

    Attributes
    ----------
    field : str or None
        The argument, column or JSON path the error is about.
    index : int or None
        The first offending element, for array inputs.
    """

    field: str | None = None
    index: int | None = None

    def __init__(self, message: str, field: str | None = None, index: int | None = None):
        super().__init__(message)
        self.field = field
        self.index = index


class InvalidInputError(CvmError, ValueError):
    """An input is invalid (also a :class:`ValueError`)."""


class EmptyInputError(InvalidInputError):
    """An input that needs at least one element is empty."""


class LengthMismatchError(InvalidInputError):
    """Inputs that must have the same length do not (``expected``, ``got``)."""

    expected: int | None = None
    got: int | None = None


class InvalidValueError(InvalidInputError):
    """A value is outside its domain (NaN, negative, missing, out of range, ...)."""


class MissingColumnError(InvalidValueError, KeyError):
    """A column the function reads is absent from the table (``field`` is the column;
    ``columns`` lists the columns present).

    Also a :class:`KeyError`, so code written for pandas' ``df["T"]`` lookups keeps working.
    """

    columns: list | None = None

    __str__ = Exception.__str__  # KeyError would quote the message


class InvalidTypeError(InvalidInputError, TypeError):
    """An argument is of the wrong type, e.g. a spend model given as the transaction model
    (``field`` is the argument).

    Both a :class:`TypeError` (what Python raises for a wrong type) and, like every invalid
    input, a :class:`ValueError`: code written for either keeps working.
    """


class UnknownNameError(InvalidInputError):
    """A name (unit, mode, ...) is not one of the accepted values (``value``, ``valid``)."""

    value: str | None = None
    valid: list | None = None


class SerializationError(InvalidInputError):
    """A JSON document (model, rules) could not be read."""


class ConvergenceError(CvmError, RuntimeError):
    """A maximum-likelihood fit did not converge (also a :class:`RuntimeError`).

    Carries ``iterations``, ``gradient_norm``, ``log_likelihood`` and ``params`` (the last iterate).
    """

    iterations: int | None = None
    gradient_norm: float | None = None
    log_likelihood: float | None = None
    params: list | None = None


class NotIdentifiedError(InvalidInputError):
    """The data cannot identify the model's parameters (no repeat buyers, identical customers).

    Also a :class:`ValueError`: the fix is in the data, not in the optimiser's settings.

    Attributes
    ----------
    model : str
        The model being fitted: ``"bg_nbd"``, ``"mbg_nbd"``, ``"pareto_nbd"``, ``"bg_bb"``,
        ``"gamma_gamma"`` or ``"sbg"``.
    reason : str
        What about the data makes the parameters unidentifiable.

    Examples
    --------
    >>> import cvm
    >>> try:
    ...     cvm.BetaGeo().fit([0, 0, 0], [0, 0, 0], [10, 20, 30])
    ... except cvm.NotIdentifiedError as e:
    ...     print(e.model, "|", e.reason.split(" (")[0])
    bg_nbd | no customer made a repeat purchase
    """

    model: str | None = None
    reason: str | None = None


class NumericalError(CvmError, ArithmeticError):
    """A computation produced a value that cannot be represented."""


class CvmWarning(UserWarning):
    """Base class of the warnings cvm emits: a result that is computed but needs a second look."""


class DegenerateSplitWarning(CvmWarning):
    """A segmentation put (nearly) every customer in one group: a cell of the value matrix is
    empty or holds more than 90 % of the customers. The message names the cell and its cuts."""


class ConcentrationWarning(CvmWarning):
    """A result is right but says little: more than 90 % of the customers got one decision.

    Issued by :meth:`cvm.SelectionRules.evaluate` (the same warning is in
    ``result.attrs["warnings"]``): the rules or their thresholds do not separate this data, e.g.
    an absolute amount no customer reaches or a column missing everywhere.
    """
