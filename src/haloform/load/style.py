"""The one YAML layout haloform writes: what ``export`` emits and ``fmt`` restores.

- **Key order**: ``kind``, ``guid``, ``name``, then the model's declaration order, at
  every depth (keys the model does not know keep their place at the end).
- **Flow style** for references (``{workflow: Incident}``) and bound tenant ids
  (``{tenant_ids: {prod: 5}}``), and for list items short
  enough to read on one line (``- {sequence: 1, name: Triage, outcome_step: 1}``), and
  for short lists of scalars; block style for everything else. A mapping that holds a
  comment stays in block style, so no comment is ever lost to a restyle.
- **Quoting**: plain where YAML reads the text back as the same string, quoted only
  where it must be (``"yes"``, ``"123"``); multi-line strings are literal blocks; text
  holding a YAML 1.1 line break (NEL, LS, PS) is double-quoted, so it is escaped
  (as backslash-N): ruamel would write it raw inside single quotes, and read it back as a space.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from haloform.kinds.refs import REFS, TenantIds

FLOW_WIDTH = 88
"""A list item shorter than this (roughly, as written) goes on one line."""

OLD_BREAKS = frozenset("\x85\u2028\u2029")
"""Characters YAML 1.1 counts as line breaks."""

HEAD = ("kind", "guid", "name")
"""What every document starts with: what it is, its identity, what people call it."""


def to_node(value: Any, *, item: bool = False) -> Any:
    """A plain value as ruamel nodes in this layout."""
    if isinstance(value, Mapping):
        node = CommentedMap((key, to_node(inner)) for key, inner in value.items())
        if flows(value, item=item):
            node.fa.set_flow_style()
        return node
    if isinstance(value, list):
        seq = CommentedSeq(to_node(inner, item=True) for inner in value)
        if flows(value, item=item):
            seq.fa.set_flow_style()
        return seq
    if isinstance(value, str) and is_block_text(value):
        return LiteralScalarString(value)
    if isinstance(value, str) and not OLD_BREAKS.isdisjoint(value):
        return DoubleQuotedScalarString(value)
    return value


def is_block_text(text: str) -> bool:
    """Multi-line text a literal block can hold: a block cannot escape anything, so
    text with other control characters is written double-quoted, escaped, instead."""
    return "\n" in text and all(char == "\n" or char.isprintable() for char in text)


def flows(value: Mapping[Any, Any] | list[Any], *, item: bool) -> bool:
    """Whether a mapping or list is written on one line (see the module docstring)."""
    if isinstance(value, Mapping):
        one_value = is_reference(value) or TenantIds.read(value) is not None
        return one_value or (item and fits_one_line(value.values(), value.keys()))
    # Scalars only: ruamel drops a mapping's braces inside [...].
    return not any(isinstance(inner, Mapping) for inner in value) and fits_one_line(value, ())


def is_reference(value: Mapping[Any, Any]) -> bool:
    """``{workflow: Incident}``, ``{workflow: {guid: ...}}``, ``{agent: Alice}``."""
    if len(value) != 1:
        return False
    ((word, inner),) = value.items()
    if word not in REFS:
        return False
    return isinstance(inner, str) or (isinstance(inner, Mapping) and set(inner) == {"guid"})


def fits_one_line(values: Collection[Any], keys: Collection[Any]) -> bool:
    width = sum(len(str(key)) + 2 for key in keys)
    for value in values:
        if isinstance(value, Mapping) and TenantIds.read(value) is not None:
            value = str(TenantIds.read(value))
        elif isinstance(value, Mapping) and is_reference(value):
            value = next(iter(value.values()))
            width += 4
        if isinstance(value, Mapping | list):
            return False
        text = str(value)
        if "\n" in text:
            return False
        width += len(text) + 2
    return bool(values) and width <= FLOW_WIDTH
