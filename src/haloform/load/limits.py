"""Values a file may hold but Halo cannot take, refused where they are written.

* (``null`` is the models' to judge: it clears a field that has a "not set" value,
  and is an error naming the field anywhere else; see ``kinds.unset``.)
* Integers outside Halo's int32 range: Halo's ids and numbers are 32-bit, and a larger
  one is rejected by Halo (or wrapped) only when the apply is already under way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from haloform.common.paths import PathItem, field_path
from haloform.diagnostics import Diagnostic, Severity
from haloform.load.yamlio import location

INT32 = range(-(2**31), 2**31)
"""Tested with a plain ``int`` only: ``in`` on a range walks it for an int subclass
(ruamel's ``ScalarInt``)."""


def limit_problems(file: str, body: Any) -> list[Diagnostic]:
    """A located error for each integer outside int32 in ``body``."""
    return [
        Diagnostic(message, location(file, body, path, key=True), field_path(path), Severity.ERROR)
        for path, message in _walk(body, ())
    ]


def _walk(value: Any, path: tuple[PathItem, ...]) -> Iterator[tuple[tuple[PathItem, ...], str]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _walk(inner, (*path, str(key)))
    elif isinstance(value, list):
        for number, inner in enumerate(value):
            yield from _walk(inner, (*path, number))
    elif isinstance(value, int) and not isinstance(value, bool) and int(value) not in INT32:
        yield path, f"{value} is outside Halo's integer range ({INT32.start} to {INT32.stop - 1})"
