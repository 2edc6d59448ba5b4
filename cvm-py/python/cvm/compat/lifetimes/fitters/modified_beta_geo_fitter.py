"""``ModifiedBetaGeoFitter``: lifetimes' MBG/NBD fitter over :class:`cvm.ModifiedBetaGeo`
(Batislam, Denizel & Filiztekin 2007)."""

from __future__ import annotations

from ....models import ModifiedBetaGeo
from .beta_geo_fitter import BetaGeoFitter

__all__ = ["ModifiedBetaGeoFitter"]


class ModifiedBetaGeoFitter(BetaGeoFitter):
    """The MBG/NBD model: as the BG/NBD, but a customer may also drop out at time zero (right
    after the first purchase). Parameters ``r, alpha, a, b``.

    Examples
    --------
    >>> from cvm.compat.lifetimes import ModifiedBetaGeoFitter
    >>> from cvm.compat.lifetimes.datasets import load_cdnow_summary
    >>> data = load_cdnow_summary(index_col=[0])
    >>> mbgf = ModifiedBetaGeoFitter().fit(data["frequency"], data["recency"], data["T"])
    >>> round(float(mbgf.params_["r"]), 3)
    0.525
    """

    _cvm_class = ModifiedBetaGeo
    _simulator = "modified_beta_geometric_nbd_model"
