"""The `value` area of cvm."""

from __future__ import annotations

__all__: list[str] = []
