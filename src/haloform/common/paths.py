"""Paths as people read them: a field inside a document (``steps[1].actions[0].action_id``)
and a file on disk (relative to where they stand).

Diagnostics, kinds' checks and export all locate a value inside a document by a path
of keys and list positions; this is the one spelling of such a path as text, and the
one reading of that text back.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

PathItem = str | int
"""One step into a document: a mapping key or a list position."""


def field_path(path: Sequence[PathItem]) -> str:
    """``('steps', 1, 'end_step')`` as ``steps[1].end_step``."""
    text = ""
    for item in path:
        text += f"[{item}]" if isinstance(item, int) else f".{item}" if text else str(item)
    return text


def join_path(prefix: str, name: str) -> str:
    """``name`` inside ``prefix``: ``steps[].actions`` + ``end_step``; a top-level name
    when ``prefix`` is empty. Works alike on paths and on patterns (``steps[]``)."""
    return f"{prefix}.{name}" if prefix else name


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


def shown_file(path: Path) -> Path:
    """``path`` relative to the working directory when it is inside it, as messages
    show a file (absolute otherwise)."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def keyed_segment(label: str | None, key: str, *, shared: bool = False) -> str:
    """How a path names an item of a keyed list, inside its brackets: by its label
    (a step's name) with its key only when another item shares the label, else by its
    key; quoted, so that a name never reads as a list position (``steps["Logged"]``)."""
    if label is None:
        return json.dumps(key, ensure_ascii=False)
    return json.dumps(label, ensure_ascii=False) + (f" #{key}" if shared else "")
