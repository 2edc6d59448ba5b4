"""Churn as a calibrated probability: evaluate a churn score and calibrate it on your own history.

* :class:`ChurnCalibrator` — a monotone map from any churn score (higher = more likely to churn)
  to a probability, fitted on a past calibration/holdout split: isotonic regression
  (pool-adjacent-violators; Ayer et al. 1955, Zadrozny & Elkan 2002) or Platt scaling
  (Platt 1999). Persisted as a versioned JSON document; pickles through it.
* :func:`churn_report` — AUC, Brier score, a calibration table and a gains/lift table of a churn
  probability against what happened in a holdout period, with a baseline score (e.g. weeks
  since the last purchase) side by side.

All the numbers come from the Rust core (``cvm_core::churn``); see docs/churn.md.
"""

from __future__ import annotations

import html
from typing import Any, NamedTuple, Optional

import numpy as np
import pandas as pd

from . import _convert, _cvm
from .exceptions import InvalidValueError
from .loyalty import _flags

__all__ = ["CalibrationTest", "ChurnCalibrator", "ChurnReport", "churn_report"]


def _churned(values: Any) -> np.ndarray:
    """The churned flags (bool or 0/1) → contiguous bool; anything else names the row."""
    if values is None or isinstance(values, (str, bytes)) or np.ndim(values) != 1:
        raise InvalidValueError(f"`churned`: expected a 1-D array of booleans, got {values!r}"[:200], field="churned")
    series = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values, dtype=object))
    return _flags(series, "churned")


class ChurnCalibrator:
    """Maps churn scores to calibrated churn probabilities, fitted on past outcomes.

    Parameters
    ----------
    method : {"isotonic", "platt"}
        ``"isotonic"`` (default): the non-decreasing step function of the score closest to the
        churned flags (pool-adjacent-violators, tied scores pooled), evaluated by linear
        interpolation between the blocks' (mean score, rate), constant beyond the first and last. ``"platt"``: ``1 / (1 + exp(-(a + b
        score)))`` by maximum likelihood; raises :class:`cvm.NotIdentifiedError` when the scores
        separate the classes or are constant.

    Attributes
    ----------
    blocks_ : pandas.DataFrame or None
        Isotonic blocks: ``score_min``, ``score_max``, ``score_mean``, ``probability``, ``weight``.
    intercept_, slope_ : float or None
        Platt's parameters (on the score's scale).

    Examples
    --------
    >>> import cvm
    >>> cal = cvm.ChurnCalibrator().fit([1.0, 2.0, 2.0, 3.0, 4.0], [0, 1, 0, 0, 1])
    >>> cal.blocks_["probability"].round(4).tolist()
    [0.0, 0.3333, 1.0]
    >>> cal.transform([0.0, 5 / 3, 19 / 6, 9.0]).round(4).tolist()
    [0.0, 0.1667, 0.6667, 1.0]
    >>> cvm.ChurnCalibrator.from_json(cal.to_json()).transform([2.5]).tolist() == cal.transform([2.5]).tolist()
    True
    """

    def __init__(self, method: str = "isotonic"):
        self.method = _convert.text(method, "method")
        self._native: Any = None

    def fit(self, scores: Any, churned: Any, sample_weight: Any = None) -> "ChurnCalibrator":
        """Fits on ``scores`` (higher = more likely to churn) and ``churned`` flags (bool or 0/1),
        aligned by index when they are pandas Series; ``sample_weight`` optional (≥ 0). Returns
        self."""
        cols, index = _convert.align({"scores": scores, "churned": churned, "sample_weight": sample_weight})
        s = _convert.floats(cols["scores"], "scores")
        c = _churned(cols["churned"])
        w = None if cols["sample_weight"] is None else _convert.floats(cols["sample_weight"], "sample_weight")
        with _convert.rows_labelled(index, ("scores", "churned", "weights")), _convert.fields_renamed(
            {"weights": "sample_weight"}
        ):
            self._native = _cvm.ChurnCalibrator.fit(s, c, w, self.method)
        self.method = self._native.method
        return self

    def _fitted(self) -> Any:
        if self._native is None:
            raise InvalidValueError("the ChurnCalibrator is not fitted: call fit() first", field="calibrator")
        return self._native

    def transform(self, scores: Any) -> Any:
        """Calibrated churn probabilities of ``scores``, each in [0, 1]: a Series indexed like
        ``scores`` when it is one, else a numpy array."""
        index = scores.index if isinstance(scores, pd.Series) else None
        s = _convert.floats(scores, "scores")
        with _convert.rows_labelled(index, ("scores",)):
            p = self._fitted().transform(s)
        return pd.Series(p, index=index, name="churn_probability") if index is not None else p

    @property
    def blocks_(self) -> Optional[pd.DataFrame]:
        b = self._fitted().blocks()
        return None if b is None else pd.DataFrame(b)

    @property
    def intercept_(self) -> Optional[float]:
        p = self._fitted().platt_params()
        return None if p is None else p[0]

    @property
    def slope_(self) -> Optional[float]:
        p = self._fitted().platt_params()
        return None if p is None else p[1]

    def to_json(self) -> str:
        """The versioned JSON document (``{"format": "cvm-churn-calibrator", "version": 1, ...}``)."""
        return self._fitted().to_json()

    @classmethod
    def from_json(cls, text: str) -> "ChurnCalibrator":
        """Reads a document written by :meth:`to_json` (or by the Rust/C libraries);
        :class:`cvm.SerializationError` with the JSON path as ``field`` for any problem."""
        native = _cvm.ChurnCalibrator.from_json(_convert.text(text, "text"))
        out = cls(native.method)
        out._native = native
        return out

    def __getstate__(self) -> dict:
        return {"method": self.method, "json": None if self._native is None else self._native.to_json()}

    def __setstate__(self, state: dict) -> None:
        self.method = state["method"]
        self._native = None if state["json"] is None else _cvm.ChurnCalibrator.from_json(state["json"])

    def __repr__(self) -> str:
        if self._native is None:
            return f"ChurnCalibrator(method={self.method!r}, not fitted)"
        if self.method == "platt":
            return f"ChurnCalibrator(method='platt', intercept={self.intercept_:.6g}, slope={self.slope_:.6g})"
        blocks = self.blocks_
        return f"ChurnCalibrator(method='isotonic', blocks={0 if blocks is None else len(blocks)})"

    def _repr_html_(self) -> str:
        """Jupyter: the repr, then the isotonic blocks (score range → probability) as a table."""
        head = f"<p>{html.escape(repr(self))}</p>"
        blocks = None if self._native is None or self.method == "platt" else self.blocks_
        if blocks is None:
            return head
        return head + blocks.to_html(float_format=lambda x: f"{x:.4f}")


def _gains_frame(cols: dict) -> pd.DataFrame:
    df = pd.DataFrame(cols)
    df.index = pd.RangeIndex(1, len(df) + 1, name="bin")
    return df


class CalibrationTest(NamedTuple):
    """The Hosmer–Lemeshow test of a calibration table (docs/churn.md): ``statistic`` =
    sum over bins of (churners − sum p)² / sum p(1 − p), referred to a chi-square with
    ``degrees_of_freedom`` = bins (probabilities judged on customers they were not fitted on);
    ``p_value`` = P(chi-square ≥ statistic)."""

    statistic: float
    degrees_of_freedom: int
    p_value: float


class ChurnReport:
    """The result of :func:`churn_report`.

    Attributes
    ----------
    auc, brier : float
        AUC of the ranking score (ties count half) and Brier score of the probability.
    n, churners : int
    calibration : pandas.DataFrame
        By bin of predicted probability (1 = lowest): ``count``, ``predicted_min``,
        ``predicted_max``, ``mean_predicted``, ``observed_rate``, ``difference`` (observed −
        predicted), ``standard_error`` (the standard error the observed rate would have if the
        probabilities were right: ``sqrt(sum p(1 - p)) / count``).
    calibration_test : CalibrationTest or None
        The Hosmer–Lemeshow test of that table (``statistic``, ``degrees_of_freedom`` = bins,
        ``p_value``): a small p-value says the probabilities are off by more than chance. None
        when a bin of probabilities that are all exactly 0 or 1 holds an outcome they rule out.
    gains : pandas.DataFrame
        By bin of score (1 = highest): ``count``, ``churners``, ``score_min``, ``score_max``,
        ``churn_rate``, ``cumulative_share`` (of all churners captured), ``lift``,
        ``cumulative_lift``.
    baseline_auc : float or None
    baseline_gains : pandas.DataFrame or None
    max_calibration_gap : float
        The largest ``|difference|`` of the calibration table.
    """

    def __init__(self, raw: dict):
        self.n = int(raw["n"])
        self.churners = int(raw["churners"])
        self.auc = float(raw["auc"])
        self.brier = float(raw["brier"])
        self.calibration = _gains_frame(raw["calibration"])
        self.gains = _gains_frame(raw["gains"])
        self.baseline_auc = None if raw["baseline_auc"] is None else float(raw["baseline_auc"])
        self.baseline_gains = None if raw["baseline_gains"] is None else _gains_frame(raw["baseline_gains"])
        self.max_calibration_gap = float(self.calibration["difference"].abs().max())
        test = raw["calibration_test"]
        self.calibration_test = None if test is None else CalibrationTest(float(test[0]), int(test[1]), float(test[2]))

    def to_frame(self) -> pd.DataFrame:
        """One row per bin: the calibration table, the gains of the score (``gains_*``) and of the
        baseline (``baseline_*``, when given) side by side."""
        parts = [self.calibration, self.gains.add_prefix("gains_")]
        if self.baseline_gains is not None:
            parts.append(self.baseline_gains.add_prefix("baseline_"))
        return pd.concat(parts, axis=1)

    def _summary(self) -> str:
        base = "" if self.baseline_auc is None else f", baseline AUC {self.baseline_auc:.4f}"
        return (
            f"churn report: {self.n} customers, {self.churners} churned; AUC {self.auc:.4f}{base}; "
            f"Brier {self.brier:.4f}; worst calibration bin off by {self.max_calibration_gap:.4f}"
            + ("" if self.calibration_test is None else f" (Hosmer–Lemeshow P = {self.calibration_test.p_value:.3g})")
        )

    def __repr__(self) -> str:
        return self._summary()

    def _repr_html_(self) -> str:
        return f"<p>{self._summary()}</p>" + self.to_frame().to_html(float_format=lambda x: f"{x:.4f}")


def churn_report(
    probability: Any, churned: Any, score: Any = None, baseline: Any = None, bins: int = 10
) -> ChurnReport:
    """Evaluates a churn probability against what happened in a holdout period.

    Parameters
    ----------
    probability : array-like or pandas.Series
        Predicted churn probability per customer, in [0, 1].
    churned : array-like or pandas.Series
        Whether the customer churned (bool or 0/1), e.g. ``frequency_holdout == 0``.
    score : array-like or pandas.Series, optional
        Ranks customers for the AUC and the gains table (higher = more likely to churn);
        default: the probability.
    baseline : array-like or pandas.Series, optional
        A simple score to compare with, e.g. ``T - recency`` (time since the last purchase).
    bins : int
        Equal-count bins (10: deciles). A tie at a bin boundary is split by row order.

    Pandas inputs are aligned by index. Returns a :class:`ChurnReport`.

    Examples
    --------
    >>> import cvm
    >>> r = cvm.churn_report([0.9, 0.8, 0.3, 0.2], [1, 0, 1, 0], baseline=[10, 2, 8, 1], bins=2)
    >>> r.auc, round(r.brier, 4), r.baseline_auc
    (0.75, 0.295, 1.0)
    >>> r.baseline_gains["lift"].tolist()
    [2.0, 0.0]
    """
    cols, index = _convert.align({"probability": probability, "churned": churned, "score": score, "baseline": baseline})
    p = _convert.floats(cols["probability"], "probability")
    c = _churned(cols["churned"])
    s = None if cols["score"] is None else _convert.floats(cols["score"], "score")
    b = None if cols["baseline"] is None else _convert.floats(cols["baseline"], "baseline")
    with _convert.rows_labelled(index, ("probability", "churned", "score", "baseline")):
        raw = _cvm.churn_report(p, c, s, b, _convert.whole(bins, "bins"))
    return ChurnReport(raw)
