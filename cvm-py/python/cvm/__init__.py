"""cvm — customer value management.

Measure each customer's value, predict it, and decide which customers to win, keep, grow or let
go. The numbers come from the Rust core ``cvm-core``; this package is a thin pandas/numpy layer.

Examples
--------
>>> import cvm
>>> log = cvm.datasets.load_cdnow_transactions()
>>> summary = cvm.summary_from_transactions(log, "customer_id", "date", "amount",
...     calibration_period_end="1997-09-30", time_unit="W")
>>> int(summary["frequency"].sum())
2457
"""

from __future__ import annotations

from . import _cvm, datasets, exceptions
from .exceptions import (
    ConcentrationWarning,
    ConvergenceError,
    CvmError,
    CvmWarning,
    DegenerateSplitWarning,
    EmptyInputError,
    InvalidInputError,
    InvalidTypeError,
    InvalidValueError,
    LengthMismatchError,
    MissingColumnError,
    NotIdentifiedError,
    NumericalError,
    SerializationError,
    UnknownNameError,
)
from . import lifetime2, loyalty, selection, value
from .lifetime2 import *  # noqa: F401,F403
from .loyalty import *  # noqa: F401,F403
from .models import BetaGeo, ModifiedBetaGeo, ParetoNBD, load_model
from ._covariates import LikelihoodRatioTest
from .selection import *  # noqa: F401,F403
from .summary import compress, default_segment_table, rfm_segments, summary_from_transactions
from .value import *  # noqa: F401,F403
from . import decision  # noqa: E402
from .decision import *  # noqa: F401,F403,E402
from . import churn  # noqa: E402
from .churn import *  # noqa: F401,F403,E402
from . import history  # noqa: E402
from .history import *  # noqa: F401,F403,E402

__version__: str = _cvm.__version__

__all__ = [
    "__version__",
    "datasets",
    "exceptions",
    "summary_from_transactions",
    "compress",
    "rfm_segments",
    "default_segment_table",
    "BetaGeo",
    "ModifiedBetaGeo",
    "ParetoNBD",
    "load_model",
    "LikelihoodRatioTest",
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
    "ConcentrationWarning",
    "CvmWarning",
    "DegenerateSplitWarning",
    *value.__all__,
    *lifetime2.__all__,
    *selection.__all__,
    *loyalty.__all__,
    *decision.__all__,
    *churn.__all__,
    *history.__all__,
]
from . import rules  # noqa: E402  (the cvm.rules presets namespace)
from . import plotting  # noqa: E402  (cvm.plotting; matplotlib is imported only when a plot is drawn)
