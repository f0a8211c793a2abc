"""Values as one line of YAML-ish flow, safe to print: the primitives every human
renderer formats names and values with (see :mod:`haloform.render.values`)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from haloform.common.text import visible

_BARE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


def printable(text: str) -> str:
    """``text`` with control, bidi and zero-width characters escaped JSON-style (a
    newline becomes ``\\n``, a right-to-left override ``\\u202e``): a name must not
    be able to disguise itself in a review."""
    return visible(text)


def quote(text: str) -> str:
    """A double-quoted, escaped string: how names and string values are shown."""
    return f'"{printable(json.dumps(text, ensure_ascii=False)[1:-1])}"'


def flow(value: Any) -> str:
    """``value`` as one line of YAML-ish flow: ``{agent: "Alice Admin"}``, ``[1, 2]``."""
    if isinstance(value, str):
        return quote(value)
    if value is None or isinstance(value, bool | int | float):
        return json.dumps(value)
    if isinstance(value, Mapping):
        items = (f"{_key(key)}: {flow(item)}" for key, item in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, Sequence):
        return "[" + ", ".join(flow(item) for item in value) + "]"
    return quote(str(value))


def _key(key: object) -> str:
    text = str(key)
    return text if _BARE_KEY.fullmatch(text) else quote(text)
