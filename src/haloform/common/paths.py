"""Field paths, as people write them: ``steps[1].actions[0].action_id``.

Diagnostics, kinds' checks and export all locate a value inside a document by a path
of keys and list positions; this is the one spelling of such a path as text, and the
one reading of that text back.
"""

from __future__ import annotations

from collections.abc import Sequence

PathItem = str | int
"""One step into a document: a mapping key or a list position."""


def field_path(path: Sequence[PathItem]) -> str:
    """``('steps', 1, 'end_step')`` as ``steps[1].end_step``."""
    text = ""
    for item in path:
        text += f"[{item}]" if isinstance(item, int) else f".{item}" if text else str(item)
    return text


def parse_path(text: str) -> tuple[PathItem, ...]:
    """``steps[1].actions[0].action_id`` -> ``('steps', 1, 'actions', 0, 'action_id')``;
    the inverse of ``field_path``."""
    items: list[PathItem] = []
    for part in text.replace("]", "").split("."):
        name, *indexes = part.split("[")
        if name:
            items.append(name)
        items.extend(int(index) for index in indexes)
    return tuple(items)
