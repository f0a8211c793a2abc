"""Values a file may hold but Halo cannot take, refused where they are written.

* ``null``: the models read a null as "not set", so ``new_agent_id: null`` was silently
  ignored and the live rule kept its agent. Halo has no documented way to be told
  "clear this field", so a null is an error until haloform can say so explicitly;
  leaving the line out leaves the field as Halo has it.
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

_NULL = (
    "null does not clear a field in Halo (haloform cannot tell Halo to clear it yet): "
    "remove the line to leave the field as Halo has it, or give a value"
)


def limit_problems(file: str, body: Any) -> list[Diagnostic]:
    """A located error for each null and each integer outside int32 in ``body``."""
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
    elif value is None and path:
        yield path, _NULL
    elif isinstance(value, int) and not isinstance(value, bool) and int(value) not in INT32:
        yield path, f"{value} is outside Halo's integer range ({INT32.start} to {INT32.stop - 1})"
