"""The `selection` area of cvm."""

from __future__ import annotations

__all__: list[str] = []
