"""Drop-in layers for code written against other customer-lifetime libraries.

* :mod:`cvm.compat.lifetimes` — the API of the Python package lifetimes 0.11.3 (fitters, utils,
  plotting, datasets, generate_data) over cvm's models: ``import cvm.compat.lifetimes as
  lifetimes`` is the whole migration (docs/migrating-from-lifetimes.md).
"""

from __future__ import annotations

from . import lifetimes

__all__ = ["lifetimes"]
