"""Feedback on long work: ``progress=True`` runs a per-row computation in chunks and shows a tqdm
bar; ``progress=False`` (the default) makes the one native call it always made.

The chunks are independent rows (customers, grid rows, calendar times), so the results are the
same, bit for bit, with and without a bar. An error in a chunk names its row in the whole input:
the chunk's ``index`` is shifted by the chunk's first row, in the exception and in its message.

tqdm is optional (the ``progress`` extra, ``pip install cvm[progress]``): ``progress=True``
without it is an ImportError that says so, rather than a silent run without feedback. The native
calls release the GIL, so other Python threads run while a chunk computes.
"""

from __future__ import annotations

import contextlib
import math
from typing import Any, Callable, Iterator, Mapping, Optional, Sequence, TypeVar

import numpy as np

from .exceptions import CvmError, InvalidTypeError

# A bar advances about STEPS times; a chunk has at least MIN_ROWS rows (a native call per chunk
# costs microseconds, so the chunking itself is not measurable at these sizes).
STEPS = 100
MIN_ROWS = 10_000

_INSTALL = "progress=True shows a tqdm bar, and tqdm is optional: install it with `pip install cvm[progress]`"

_R = TypeVar("_R")
_I = TypeVar("_I")


def flag(progress: Any) -> bool:
    """``progress`` as a bool; anything but True/False is an InvalidTypeError naming it."""
    if isinstance(progress, (bool, np.bool_)):
        return bool(progress)
    raise InvalidTypeError(f"`progress`: expected True or False, got {type(progress).__name__} {progress!r}"[:200],
                           field="progress")


def _tqdm() -> Any:
    try:
        from tqdm.auto import tqdm  # type: ignore[import-untyped]  # tqdm ships no types
    except ImportError as err:
        raise ImportError(_INSTALL) from err
    return tqdm


def chunk_rows(n_rows: int) -> int:
    """Rows per chunk for an input of ``n_rows`` rows."""
    return max(MIN_ROWS, math.ceil(n_rows / STEPS))


@contextlib.contextmanager
def global_rows(offset: int, fields: Sequence[str]) -> Iterator[None]:
    """Shifts the row of a core error about one of ``fields`` by ``offset`` (a chunk's first row)."""
    try:
        yield
    except CvmError as exc:
        if offset and exc.index is not None and exc.field in fields:
            local, exc.index = exc.index, exc.index + offset
            text = str(exc)
            old, new = f"`{exc.field}`[{local}]", f"`{exc.field}`[{exc.index}]"
            exc.args = (text.replace(old, new, 1) if old in text else f"{text} (row {exc.index} of the input)",)
        raise


def run(progress: bool, columns: Mapping[str, Optional[np.ndarray]], work: Callable[[dict], _R], *,
        desc: str, unit: str = "customer", step: Optional[int] = None) -> list[_R]:
    """``work(columns)`` — once without a bar; with one, on consecutive row chunks of the columns
    (``None`` columns passed through; ``step`` rows each, default :func:`chunk_rows`), one
    result per chunk, in order. The names of ``columns`` are the core's field names, so that an
    error about one of them names its row in the whole input.

    Columns of different lengths are not chunked: the one call reports the mismatch with the
    lengths of the whole input.
    """
    if not progress:
        return [work(dict(columns))]
    tqdm = _tqdm()
    lengths = {len(v) for v in columns.values() if v is not None}
    n = lengths.pop() if len(lengths) == 1 else 0
    if n == 0:
        with tqdm(total=1, desc=desc, unit="call") as bar:
            out = [work(dict(columns))]
            bar.update(1)
        return out
    step, results = step or chunk_rows(n), []
    with tqdm(total=n, desc=desc, unit=unit, unit_scale=True) as bar:
        for start in range(0, n, step):
            stop = min(start + step, n)
            with global_rows(start, list(columns)):
                results.append(work({k: None if v is None else v[start:stop] for k, v in columns.items()}))
            bar.update(stop - start)
    return results


def iterate(progress: bool, items: Sequence[_I], *, desc: str, unit: str) -> Iterator[_I]:
    """The items, through a tqdm bar when ``progress``."""
    if not progress:
        return iter(items)
    return iter(_tqdm()(items, desc=desc, unit=unit))


def concat(parts: Sequence[Any]) -> Any:
    """The chunks' results joined: arrays end to end; tuples and dicts of arrays item by item."""
    first = parts[0]
    if len(parts) == 1:
        return first
    if isinstance(first, dict):
        return {k: concat([p[k] for p in parts]) for k in first}
    if isinstance(first, tuple):
        return tuple(concat([p[i] for p in parts]) for i in range(len(first)))
    return np.concatenate(parts)
