"""The one plotting style of cvm, the optional matplotlib import and the checks every plot shares.

matplotlib is imported here, inside :func:`pyplot`, only when a plot is drawn: ``import cvm`` and
``import cvm.plotting`` never import it.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

import numpy as np
import pandas as pd

from .. import _convert
from ..exceptions import InvalidTypeError, InvalidValueError

#: Okabe & Ito (2008) "Color Universal Design": eight colours told apart with every common colour
#: vision deficiency. Series are drawn in this order: actual/observed first, model second.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}
#: The colour cycle, in :data:`PALETTE` order.
CYCLE = list(PALETTE.values())
#: What the data show (actual, observed) and what a model expects.
ACTUAL, MODEL = PALETTE["blue"], PALETTE["orange"]
#: Sequential colour map of heat maps: cividis is perceptually uniform and readable with
#: red-green colour blindness (Nuñez, Anderton & Renslow 2018).
CMAP = "cividis"
#: Reference lines (thresholds, the calibration end, diagonals).
GUIDE = "#666666"

_INSTALL = "cvm.plotting needs matplotlib, which is optional: install it with `pip install cvm[plot]`"


def pyplot() -> Any:
    """``matplotlib.pyplot``, or an ImportError naming the ``plot`` extra."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as err:  # pragma: no cover - exercised with the module hidden
        raise ImportError(_INSTALL) from err
    return plt


def axes(ax: Any = None) -> Any:
    """``ax``, or new axes on a new figure (the only place a figure is created)."""
    plt = pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 4.5))
    return ax


def finish(ax: Any, xlabel: str, ylabel: str, title: str, legend: bool = False) -> Any:
    """Labels, title and the shared look (light grid below the data, no top/right frame)."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.set_axisbelow(True)
    ax.grid(True, color="#dddddd", linewidth=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if legend:
        ax.legend(frameon=False)
    return ax


def heatmap(ax: Any, values: pd.DataFrame, fmt: Optional[str], colorbar: str) -> Any:
    """``values`` as an image (rows down, columns across), each cell written when ``fmt``."""
    z = values.to_numpy(dtype=np.float64)
    image = ax.imshow(np.ma.masked_invalid(z), cmap=CMAP, aspect="auto", interpolation="nearest")
    ax.figure.colorbar(image, ax=ax, label=colorbar)
    ax.set_xticks(range(z.shape[1]))
    ax.set_xticklabels([str(c) for c in values.columns], rotation=30, ha="right")
    ax.set_yticks(range(z.shape[0]))
    ax.set_yticklabels([str(r) for r in values.index])
    if fmt is not None:
        finite = z[np.isfinite(z)]
        middle = (finite.min() + finite.max()) / 2 if finite.size else 0.0
        for (i, j), v in np.ndenumerate(z):
            if np.isfinite(v):
                ax.text(j, i, format(v, fmt), ha="center", va="center", fontsize=8,
                        color="black" if v > middle else "white")
    return image


def model(obj: Any, kinds: Iterable[type], field: str = "model") -> Any:
    """``obj`` if it is a fitted model of one of ``kinds`` (:func:`cvm._convert.fitted_model`)."""
    return _convert.fitted_model(obj, kinds, field)


def instance(obj: Any, kind: type, field: str, made_by: str) -> Any:
    """``obj`` if it is a ``kind`` (the result of ``made_by``); else an InvalidTypeError."""
    if not isinstance(obj, kind):
        raise InvalidTypeError(
            f"`{field}`: expected a {kind.__name__} (from {made_by}), got {_convert.type_name(obj)}", field=field
        )
    return obj


def frame(df: Any, field: str, columns: Iterable[str], table: str) -> pd.DataFrame:
    """``df`` as pandas (polars converted) with ``columns`` present (a MissingColumnError listing
    the columns it has otherwise)."""
    df = _convert.frame(df, field)
    for name in columns:
        _convert.get(df, name, table)
    return df


def positive_whole(value: Any, field: str, limit: int) -> int:
    """A whole number in 1..=limit (:func:`cvm._convert.positive_whole`)."""
    return _convert.positive_whole(value, field, limit)