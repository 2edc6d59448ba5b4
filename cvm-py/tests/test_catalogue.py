"""The Python side of the bad-input catalogue (``docs/errors.md``).

Every ``cvm-py/tests/catalogue_*.py`` module holds a list ``CASES`` of rows
``(name, call, exception class, field, index, message substring)`` (the substring may be left
out, or be a tuple of substrings). Each call must raise the class with that ``field`` and
``index`` and a message that contains each substring: the same bad inputs are tabled for Rust
and C, so the bindings cannot drift.
"""

from __future__ import annotations

import importlib
import pathlib
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent


def _cases():
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    rows = []
    for path in sorted(HERE.glob("catalogue_*.py")):
        module = importlib.import_module(path.stem)
        for case in module.CASES:
            rows.append(pytest.param(*_normalised(case), id=f"{path.stem[len('catalogue_'):]}:{case[0]}"))
    return rows


def _normalised(case):
    if len(case) == 5:
        return (*case, None)
    if len(case) == 6:
        return case
    raise ValueError(f"catalogue row {case[0]!r}: expected 5 or 6 fields, got {len(case)}")


CASES = _cases()


def test_catalogue_is_not_empty():
    assert CASES


@pytest.mark.parametrize("name, call, cls, field, index, substring", CASES)
def test_catalogue(name, call, cls, field, index, substring):
    with pytest.raises(cls) as info:
        call()
    exc = info.value
    assert type(exc) is cls or isinstance(exc, cls)
    assert getattr(exc, "field", None) == field, f"{name}: field {getattr(exc, 'field', None)!r} != {field!r}: {exc}"
    assert getattr(exc, "index", None) == index, f"{name}: index {getattr(exc, 'index', None)!r} != {index!r}: {exc}"
    for part in (substring,) if isinstance(substring, str) else substring or ():
        assert part in str(exc), f"{name}: {part!r} not in {str(exc)!r}"
