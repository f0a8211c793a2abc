"""YAML files in and out, keeping comments, key order and where every value came from.

Config files are written by people and reviewed in pull requests, so loading must
point at the exact line of a problem, and writing back (a command adds ``guid:`` to
files) must leave everything it did not touch byte for byte as it was. ruamel.yaml's
round-trip mode gives positions and comments, but slowly: files only read are parsed
by libyaml with positions (``fastyaml``), and only files to be written back, or text
libyaml cannot take exactly as ruamel would, go through ruamel. ``HALOFORM_YAML_PARSER
=roundtrip`` sends every file through ruamel (to compare, or should libyaml misbehave).
This module adds the guards a loader of untrusted text needs:

- at most ``MAX_FILE_BYTES`` per file and ``MAX_DEPTH`` levels of nesting, so a huge or
  hostile file is refused with a message instead of eating memory or the stack;
- no aliases (``*name``) at all. A resource is one small tree sent to Halo; aliases
  would make it a graph, so a "billion laughs" bomb could explode any walk over it and
  an edit through one alias would silently change another place. Refusing them at the
  first ``*`` is cheaper and clearer than counting expansions;
- no tags (``!thing``, ``!!str``): ruamel would keep them as opaque tagged values the
  models cannot read, and quoting already says "this is text"; no duplicate keys, no
  lists or mappings as keys;
- every failure is a located ``Diagnostic``; nothing the text contains can raise.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedBase, CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.scanner import ScannerError

from haloform.common.paths import PathItem
from haloform.diagnostics import Diagnostic, Location
from haloform.load import fastyaml
from haloform.load.fastyaml import LocatedMap, LocatedSeq

MAX_FILE_BYTES = 1024 * 1024
"""Far above any real config file (a large workflow is tens of KiB), and low enough
that ruamel (pure Python, roughly 150 KiB/s) parses a file at the cap in seconds."""
MAX_DEPTH = 64
"""A resource nests about six levels deep; more is a mistake or an attack."""

Position = tuple[int, int]
"""1-based (line, column), as editors show them."""

PARSER_VARIABLE = "HALOFORM_YAML_PARSER"
"""``roundtrip`` parses every file with ruamel, as before libyaml was used."""


@dataclass(frozen=True)
class YamlDocument:
    """One ``---`` document: its data and, when read for writing, its own source text.

    Read for writing, data is ruamel's round-trip types and the source is kept so that
    writing the file back can reuse it verbatim when the data did not change, which
    ruamel alone cannot promise (it drops ``...`` markers, comments before ``---`` and
    normalises spacing). Read only, data is ``fastyaml``'s located dicts and lists.
    """

    data: Any
    index: int
    """0-based position of the document in its file."""
    line: int
    """1-based line where the document's content starts."""
    source: str = ""
    body_start: int = 0
    """Offset in ``source`` after the ``---`` line, where re-dumped content goes."""
    body_end: int = 0
    """Offset in ``source`` of a ``...`` marker, or its length."""
    shape: object = field(repr=False, compare=False, default=None)
    """A snapshot of ``data`` as loaded, to tell an edited document from an untouched
    one; ``None`` for a document read only, which cannot be written back."""


@dataclass(frozen=True)
class YamlFile:
    """A parsed file: its documents, or none and the diagnostics saying why."""

    file: str
    documents: tuple[YamlDocument, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()


class _Refusal(MarkedYAMLError):
    """Something valid YAML allows but a config file must not contain."""

    def __init__(self, problem: str, mark: Any) -> None:
        super().__init__(problem=problem, problem_mark=mark)


@dataclass(frozen=True)
class _Frame:
    """Where one document sits in the text, as the parser saw it."""

    start: Any
    end: Any
    node: Any


class _GuardedComposer(Composer):
    """ruamel's composer with the refusals above, recording each document's frame."""

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader)
        self.frames: list[_Frame] = []

    def compose_document(self) -> Any:
        self.anchors = {}
        start = self.parser.get_event()
        node = self.compose_node(None, None)
        end = self.parser.get_event()
        self.frames.append(_Frame(start, end, node))
        return node

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        if isinstance(event, AliasEvent):
            raise _Refusal(
                f"aliases (*{event.anchor}) are not allowed in config files; "
                "write the value out where it is needed",
                event.start_mark,
            )
        tag = getattr(event, "ctag", None)
        if tag is not None:
            written = f"{tag.handle}{tag.suffix}" if getattr(tag, "handle", None) else tag
            raise _Refusal(
                f"tags such as {written} are not allowed; quote text instead", event.start_mark
            )
        return super().compose_node(parent, index)

    def compose_mapping_node(self, anchor: Any) -> Any:
        node = super().compose_mapping_node(anchor)
        seen: dict[tuple[str, str], Any] = {}
        for key, _ in node.value:
            if not isinstance(key, ScalarNode):
                raise _Refusal(
                    "a key must be a single value, not a list or mapping", key.start_mark
                )
            first = seen.setdefault((str(key.tag), key.value), key)
            if first is not key:
                raise _Refusal(
                    f"duplicate key {key.value!r} (first defined on line "
                    f"{first.start_mark.line + 1})",
                    key.start_mark,
                )
        return node


def new_yaml() -> YAML:
    """ruamel in round-trip mode with the guards and the dump style of config files."""
    yaml = YAML(typ="rt")
    yaml.Composer = _GuardedComposer
    yaml.max_depth = MAX_DEPTH
    yaml.allow_duplicate_keys = False
    yaml.preserve_quotes = True
    yaml.width = 4096
    # Keep `[{outcome: X}, 4]` as written: without braces ruamel re-dumps an edited
    # document's single-key flow mappings as `[outcome: X, 4]`, churn in every diff.
    yaml.brace_single_entry_mapping_in_flow_sequence = True
    return yaml


def read_yaml(path: Path, file: str | None = None, *, for_writing: bool = False) -> YamlFile:
    """Read and parse a file; ``file`` is how messages name it (default: the path).

    ``for_writing`` keeps comments and source so that ``dump_documents`` can write
    the documents back; without it the file is parsed fast and read only.
    """
    name = file if file is not None else str(path)
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        return _failed(name, f"cannot read the file: {error.strerror or error}")
    if len(data) > MAX_FILE_BYTES:
        return _failed(name, _too_large())
    if b"\0" in data:
        return _failed(name, "this is a binary file (it contains NUL bytes), not YAML")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return _failed(name, f"not UTF-8 text: byte 0x{data[error.start]:02x} is invalid", line)
    return parse_yaml(text, name, for_writing=for_writing)


def parse_yaml(text: str, file: str, *, for_writing: bool = False) -> YamlFile:
    """Parse every document of ``text``; a file with any YAML error yields no documents.

    Documents before the error are dropped too: a file is written back whole, so
    keeping half of it would invite losing the rest.
    """
    if len(text) > MAX_FILE_BYTES:
        return _failed(file, _too_large())
    if not for_writing and os.environ.get(PARSER_VARIABLE) != "roundtrip":
        try:
            found = fastyaml.parse(text, MAX_DEPTH)
        except fastyaml.Unusual:
            pass  # ruamel words the error or takes the rare construct
        else:
            sources = _sources(text, len(found))
            if sources is not None:
                documents = (
                    YamlDocument(data, i, line + 1, sources[i])
                    for i, (data, line, _) in enumerate(found)
                )
                return YamlFile(file, documents=tuple(documents))
    yaml = new_yaml()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            datas = list(yaml.load_all(text))
    except (YAMLError, RecursionError) as error:
        return YamlFile(file, diagnostics=(_yaml_error(error, text, file),))
    except Exception as error:  # ruamel's own bugs: still a message, never a crash
        return _failed(file, f"the YAML parser failed ({type(error).__name__}: {error})")
    frames = cast(_GuardedComposer, yaml.composer).frames
    return YamlFile(file, documents=tuple(_documents(text, datas, frames)))


def _documents(text: str, datas: list[Any], frames: list[_Frame]) -> Iterable[YamlDocument]:
    """Cut ``text`` into one slice per document, each from its start to the next one's."""
    starts = [0] + [frame.start.start_mark.index for frame in frames[1:]] + [len(text)]
    for index, (data, frame) in enumerate(zip(datas, frames, strict=True)):
        begin, finish = starts[index], starts[index + 1]
        source = text[begin:finish]
        body_start = 0
        if getattr(frame.start, "explicit", False):
            body_start = _after_marker(source, frame.start.end_mark.index - begin)
        body_end = len(source)
        if getattr(frame.end, "explicit", False):
            body_end = frame.end.start_mark.index - begin
        line = frame.node.start_mark.line + 1
        yield YamlDocument(data, index, line, source, body_start, body_end, shape(data))


_MARKER = re.compile(r"^---(?=[ \t\r\n]|$)", re.MULTILINE)


def _sources(text: str, count: int) -> list[str] | None:
    """Each document's own text (its comments included, for ``# haloform:`` markers),
    cut at the ``---`` lines as the round-trip path cuts it; None when the markers do
    not account for ``count`` documents (the round-trip parser decides then)."""
    marks = [match.start() for match in _MARKER.finditer(text)]
    if len(marks) == count:
        starts = [0, *marks[1:]]
    elif len(marks) == count - 1:
        starts = [0, *marks]
    else:
        return None
    ends = [*starts[1:], len(text)]
    return [text[begin:end] for begin, end in zip(starts, ends, strict=True)]


def _after_marker(source: str, marker_end: int) -> int:
    """Where content after a ``---`` starts: the next line, unless more sits on this one."""
    newline = source.find("\n", marker_end)
    rest = source[marker_end:] if newline < 0 else source[marker_end:newline]
    if rest.strip():
        return marker_end + 1  # after the blank that separates ``---`` from content
    return len(source) if newline < 0 else newline + 1


def _too_large() -> str:
    return f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; split it"


def _failed(file: str, message: str, line: int | None = None) -> YamlFile:
    return YamlFile(file, diagnostics=(Diagnostic(message, Location(file, line)),))


def _yaml_error(error: BaseException, text: str, file: str) -> Diagnostic:
    """A parser error as a located message a person can act on."""
    if isinstance(error, ReaderError):
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        message = f"character U+{error.character:04X} is not allowed in YAML"
        return Diagnostic(message, Location(file, line, column))
    if isinstance(error, RecursionError):
        return Diagnostic(_too_deep(), Location(file))
    if not isinstance(error, MarkedYAMLError) or error.problem_mark is None:
        return Diagnostic(f"invalid YAML: {error}", Location(file))
    mark = error.problem_mark
    where = Location(file, mark.line + 1, mark.column + 1)
    problem = str(error.problem)
    if isinstance(error, ScannerError) and "'\\t'" in problem:
        if not text[mark.index - mark.column : mark.index].strip():
            return Diagnostic("tabs are not allowed for indentation, use spaces", where)
        return Diagnostic("a tab cannot separate YAML tokens here, use spaces", where)
    if "maximum depth" in problem:
        return Diagnostic(_too_deep(), where)
    if error.context and error.context_mark is not None and not isinstance(error, _Refusal):
        problem += f" ({error.context} on line {error.context_mark.line + 1})"
    return Diagnostic(problem, where)


def _too_deep() -> str:
    return f"nesting is deeper than {MAX_DEPTH} levels; a config file never needs that"


def shape(data: Any) -> object:
    """Everything dumping would show except comments: values, their types and key order."""
    if isinstance(data, dict):
        return ("map", tuple((key, shape(value)) for key, value in data.items()))
    if isinstance(data, list):
        return ("seq", tuple(shape(item) for item in data))
    return (type(data).__qualname__, repr(data))


def position(data: Any, path: Sequence[PathItem], *, key: bool = False) -> Position | None:
    """Where ``path`` (keys and indices) is in a loaded document, 1-based.

    ``key`` asks for the key's position rather than its value's (an unknown field is
    its key; a wrong value is its value). An empty value is placed at its key, since
    ruamel puts it wherever the next token starts. A step the data lacks, or one
    inserted after loading, falls back to the nearest ancestor that has a position.
    """
    found = _own_position(data)
    node = data
    for depth, step in enumerate(path):
        recorded = _recorded(node, step)
        if recorded is None:
            break
        node = node[step]
        wants_key = key and depth == len(path) - 1
        found = recorded[0] if wants_key or node is None else recorded[1]
    return None if found is None else (found[0] + 1, found[1] + 1)


def _own_position(node: Any) -> tuple[int, int] | None:
    if isinstance(node, (LocatedMap, LocatedSeq)):
        return node.line, node.column
    if isinstance(node, CommentedBase) and node.lc.line is not None:
        return node.lc.line, node.lc.col
    return None


def _recorded(node: Any, step: PathItem) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The 0-based (key, value) positions of one child; an item is its own key."""
    if isinstance(node, LocatedMap) and step in node:
        at = node.marks_of(step)
        return None if at is None else ((at[0], at[1]), (at[2], at[3]))
    if isinstance(node, LocatedSeq) and isinstance(step, int) and 0 <= step < len(node):
        return node.marks_of(step), node.marks_of(step)
    if isinstance(node, CommentedMap) and step in node:
        at = (node.lc.data or {}).get(step)
        return None if at is None else ((at[0], at[1]), (at[2], at[3]))
    if isinstance(node, CommentedSeq) and isinstance(step, int) and 0 <= step < len(node):
        at = (node.lc.data or {}).get(step)
        return None if at is None else ((at[0], at[1]), (at[0], at[1]))
    return None


def location(file: str, data: Any, path: Sequence[PathItem], *, key: bool = False) -> Location:
    """``position`` as a ``Location`` in ``file`` (without line when nothing is known)."""
    found = position(data, path, key=key)
    return Location(file, *found) if found else Location(file)
