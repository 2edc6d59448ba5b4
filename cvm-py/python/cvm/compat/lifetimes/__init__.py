"""lifetimes 0.11.3's API over cvm: ``import cvm.compat.lifetimes as lifetimes``.

The module layout, names, signatures, defaults, return types and attribute names are those of
the Python package lifetimes (unmaintained since 2020, and broken on numpy 2 / pandas 2+); every
number comes from cvm's Rust core. The deliberate differences (lifetimes bugs not reproduced,
arguments accepted and unused) are listed in docs/migrating-from-lifetimes.md.

Examples
--------
>>> import cvm.compat.lifetimes as lifetimes
>>> from cvm.compat.lifetimes.datasets import load_cdnow_summary
>>> data = load_cdnow_summary(index_col=[0])
>>> bgf = lifetimes.BetaGeoFitter(penalizer_coef=0.0)
>>> bgf.fit(data["frequency"], data["recency"], data["T"])
<lifetimes.BetaGeoFitter: fitted with 2357 subjects, a: 0.79, alpha: 4.41, b: 2.43, r: 0.24>
>>> bgf.summary.columns.tolist()
['coef', 'se(coef)', 'lower 95% bound', 'upper 95% bound']
"""

from __future__ import annotations

from . import datasets, fitters, generate_data, plotting, utils
from .fitters import BaseFitter
from .fitters.beta_geo_beta_binom_fitter import BetaGeoBetaBinomFitter
from .fitters.beta_geo_fitter import BetaGeoFitter
from .fitters.gamma_gamma_fitter import GammaGammaFitter
from .fitters.modified_beta_geo_fitter import ModifiedBetaGeoFitter
from .fitters.pareto_nbd_fitter import ParetoNBDFitter

#: The lifetimes release whose API this layer reproduces.
__version__ = "0.11.3"

__all__ = (
    "__version__",
    "BetaGeoFitter",
    "ParetoNBDFitter",
    "GammaGammaFitter",
    "ModifiedBetaGeoFitter",
    "BetaGeoBetaBinomFitter",
    "BaseFitter",
    "datasets",
    "fitters",
    "generate_data",
    "plotting",
    "utils",
)
