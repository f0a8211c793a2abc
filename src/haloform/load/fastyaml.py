"""Read-only YAML at libyaml's speed, with the position of every key and value kept.

Loading a repo only reads its files, yet the round-trip parser (pure Python, keeping
every comment) cost ~2 ms per document, most of a plan's CPU. This module builds the
same values from libyaml's parser events (PyYAML's C binding) into plain dicts and
lists that remember where each key, value and item was written, 0-based as ruamel
records them, so every located message keeps its exact ``file:line:column``.

Scalars are typed by ruamel's own YAML 1.2 resolver and constructor, so ``yes`` stays
text and ``0o17`` is 15 exactly as the round-trip parser reads them. Anything this
module does not reproduce exactly (aliases, anchors, tags, merge keys, duplicate or
non-scalar keys, directives, too deep nesting, characters the two parsers count
differently, any libyaml error) raises ``Unusual``: the caller then parses with the
round-trip parser, which words the error or handles the rare construct, so messages
never depend on which parser ran. One difference is left on purpose: the line of an
empty document (nothing after its ``---``), which nothing reads.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterator
from functools import cache, lru_cache
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.nodes import ScalarNode

try:  # PyYAML's libyaml binding; without it every file takes the round-trip path
    from yaml import YAMLError as _LibyamlError
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - the dependency is declared in pyproject.toml
    _CParser = None
    _LibyamlError = Exception

_PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
"""Decimal integers, which ruamel constructs as a plain ``int``; others go through it."""
_ROUND_TRIP_ONLY = ("\t", "\ufeff", "\x85", "\u2028", "\u2029")
"""Tabs (ruamel refuses some that libyaml takes), a BOM and YAML 1.1 line breaks
(libyaml and ruamel count lines around them apart): rare in config files."""


class Unusual(Exception):
    """The text needs the round-trip parser (an error to word, or a rare construct)."""


class LocatedMap(dict[Any, Any]):
    """A mapping that knows where it, and each key and value in it, was written."""

    __slots__ = ("column", "line", "marks")

    def __init__(self, line: int, column: int) -> None:
        super().__init__()
        self.line, self.column = line, column
        self.marks = array("i")
        """(key line, key column, value line, value column) per key, in key order."""

    def marks_of(self, key: Any) -> tuple[int, int, int, int] | None:
        for index, own in enumerate(self):
            if own == key:
                at = self.marks[4 * index : 4 * index + 4]
                return at[0], at[1], at[2], at[3]
        return None


class LocatedSeq(list[Any]):
    """A sequence that knows where it, and each of its items, was written."""

    __slots__ = ("column", "line", "marks")

    def __init__(self, line: int, column: int) -> None:
        super().__init__()
        self.line, self.column = line, column
        self.marks = array("i")
        """(line, column) per item."""

    def marks_of(self, index: int) -> tuple[int, int]:
        return self.marks[2 * index], self.marks[2 * index + 1]


def available() -> bool:
    return _CParser is not None


def parse(text: str, max_depth: int) -> list[tuple[Any, int, int]]:
    """Every document of ``text`` as (data, 0-based line, 0-based column) of its root.

    Raises ``Unusual`` whenever the round-trip parser must decide instead, including
    for nesting deeper than ``max_depth``.
    """
    if _CParser is None or any(char in text for char in _ROUND_TRIP_ONLY):
        raise Unusual
    if text.startswith("...") or "\n..." in text:
        raise Unusual  # after a block scalar ruamel reads an end marker as its text
    try:
        return list(_Composer(_CParser(text), max_depth).documents())
    except _LibyamlError as error:
        raise Unusual from error


class _Composer:
    """Events to values; one instance per text."""

    def __init__(self, parser: Any, max_depth: int) -> None:
        self._parser = parser
        self._depth = 0
        self._max_depth = max_depth

    def documents(self) -> Iterator[tuple[Any, int, int]]:
        get = self._parser.get_event
        get()  # StreamStart
        while type(start := get()).__name__ == "DocumentStartEvent":
            if start.version is not None or start.tags:
                raise Unusual  # %YAML / %TAG directives
            event = get()
            if getattr(event, "style", None) in ("|", ">"):
                raise Unusual  # ruamel reads a ``---`` below a root block scalar as text
            yield self._node(event), event.start_mark.line, event.start_mark.column
            get()  # DocumentEnd

    def _node(self, event: Any) -> Any:
        name = type(event).__name__
        if name == "AliasEvent" or event.anchor is not None:
            raise Unusual
        if event.tag is not None:
            raise Unusual  # an explicit tag, even the non-specific ``!``
        if name == "ScalarEvent":
            return _plain(event.value) if event.implicit[0] else event.value
        self._depth += 1
        if self._depth > self._max_depth:
            raise Unusual
        mark = event.start_mark
        data = self._mapping(mark) if name == "MappingStartEvent" else self._sequence(mark)
        self._depth -= 1
        return data

    def _mapping(self, mark: Any) -> LocatedMap:
        data = LocatedMap(mark.line, mark.column)
        get, marks = self._parser.get_event, data.marks
        while type(event := get()).__name__ != "MappingEndEvent":
            if type(event).__name__ != "ScalarEvent":
                raise Unusual  # a list or mapping as a key
            key = self._node(event)
            if key in data or (event.implicit[0] and _is_merge(event.value)):
                raise Unusual  # a duplicate or a merge key
            value_event = get()
            data[key] = self._node(value_event)
            key_mark, value_mark = event.start_mark, value_event.start_mark
            marks.extend((key_mark.line, key_mark.column, value_mark.line, value_mark.column))
        return data

    def _sequence(self, mark: Any) -> LocatedSeq:
        data = LocatedSeq(mark.line, mark.column)
        get, marks = self._parser.get_event, data.marks
        while type(event := get()).__name__ != "SequenceEndEvent":
            data.append(self._node(event))
            marks.extend((event.start_mark.line, event.start_mark.column))
        return data


@cache
def _round_trip() -> YAML:
    """ruamel's resolver and constructor, the judges of what a plain scalar is."""
    return YAML(typ="rt")


def _is_merge(value: str) -> bool:
    return value == "<<"


@lru_cache(maxsize=8192)
def _plain(value: str) -> Any:
    """A plain scalar typed as ruamel's round trip types it (values are immutable)."""
    if _PLAIN_INT.fullmatch(value):
        return int(value)
    yaml = _round_trip()
    tag = yaml.resolver.resolve(ScalarNode, value, (True, False))
    suffix = str(tag).rsplit(":", 1)[-1]
    if suffix == "str":
        return value
    if suffix not in ("null", "bool", "int", "float", "timestamp"):
        raise Unusual
    node = ScalarNode(tag, value)
    constructed = yaml.constructor.construct_object(node)
    yaml.constructor.constructed_objects.pop(node, None)  # no node outlives its value
    return constructed
