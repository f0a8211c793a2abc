"""YAML files in and out, keeping comments, key order and where every value came from.

Config files are written by people and reviewed in pull requests, so loading must
point at the exact line of a problem, and writing back (a command adds ``guid:`` to
files) must leave everything it did not touch byte for byte as it was. ruamel.yaml's
round-trip mode gives positions and comments; this module adds the guards a loader of
untrusted text needs:

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

import io
import warnings
from collections import deque
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
from ruamel.yaml.tokens import CommentToken

from haloform.common.paths import PathItem
from haloform.diagnostics import Diagnostic, Location

MAX_FILE_BYTES = 1024 * 1024
"""Far above any real config file (a large workflow is tens of KiB), and low enough
that ruamel (pure Python, roughly 150 KiB/s) parses a file at the cap in seconds."""
MAX_DEPTH = 64
"""A resource nests about six levels deep; more is a mistake or an attack."""

Position = tuple[int, int]
"""1-based (line, column), as editors show them."""

_DEFAULT_LAYOUT = (2, 4, 2)
"""mapping indent, sequence indent, dash offset: ``key:\\n  - item``, the docs' style."""


@dataclass(frozen=True)
class YamlDocument:
    """One ``---`` document: its data (ruamel round-trip types) and its own source text.

    The source is kept so that writing the file back can reuse it verbatim when the
    data did not change, which ruamel alone cannot promise (it drops ``...`` markers,
    comments before ``---`` and normalises spacing).
    """

    data: Any
    index: int
    """0-based position of the document in its file."""
    line: int
    """1-based line where the document's content starts."""
    source: str
    body_start: int
    """Offset in ``source`` after the ``---`` line, where re-dumped content goes."""
    body_end: int
    """Offset in ``source`` of a ``...`` marker, or its length."""
    shape: object = field(repr=False, compare=False, default=None)
    """A snapshot of ``data`` as loaded, to tell an edited document from an untouched one."""


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


def _new_yaml() -> YAML:
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


def read_yaml(path: Path, file: str | None = None) -> YamlFile:
    """Read and parse a file; ``file`` is how messages name it (default: the path)."""
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
    return parse_yaml(text, name)


def parse_yaml(text: str, file: str) -> YamlFile:
    """Parse every document of ``text``; a file with any YAML error yields no documents.

    Documents before the error are dropped too: a file is written back whole, so
    keeping half of it would invite losing the rest.
    """
    if len(text) > MAX_FILE_BYTES:
        return _failed(file, _too_large())
    yaml = _new_yaml()
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
        yield YamlDocument(data, index, line, source, body_start, body_end, _shape(data))


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


def _shape(data: Any) -> object:
    """Everything dumping would show except comments: values, their types and key order."""
    if isinstance(data, dict):
        return ("map", tuple((key, _shape(value)) for key, value in data.items()))
    if isinstance(data, list):
        return ("seq", tuple(_shape(item) for item in data))
    return (type(data).__qualname__, repr(data))


def dump_documents(documents: Iterable[YamlDocument], *, canonical: bool = False) -> str:
    """Write documents back: untouched ones exactly as read, edited ones re-dumped.

    An edited document keeps its comments, key order, quoting and its file's
    indentation style as far as ruamel preserves them; its ``---`` line and anything
    after a ``...`` marker are kept verbatim. ``canonical`` (for ``fmt``) re-dumps every
    document in the default indentation, whatever the file used."""
    return "".join(_dump_document(document, canonical) for document in documents)


def _dump_document(document: YamlDocument, canonical: bool = False) -> str:
    if not canonical and _shape(document.data) == document.shape:
        return document.source
    yaml = _new_yaml()
    yaml.indent(*(_DEFAULT_LAYOUT if canonical else _layout(document.data)))
    stream = io.StringIO()
    yaml.dump(document.data, stream)
    body = stream.getvalue()
    if "\r\n" in document.source:
        # ruamel keeps the "\r" inside comments it read, so normalise before converting.
        body = body.replace("\r\n", "\n").replace("\n", "\r\n")
    source = document.source
    return source[: document.body_start] + body + source[document.body_end :]


def _layout(data: Any) -> tuple[int, int, int]:
    """The indentation a document was written with, read off its nested blocks."""
    mapping = sequence = offset = None
    pending = deque([data])
    while pending and (mapping is None or sequence is None):
        node = pending.popleft()
        if not isinstance(node, CommentedMap):
            pending.extend(node if isinstance(node, CommentedSeq) else ())
            continue
        for key, value in node.items():
            pending.append(value)
            key_at = (node.lc.data or {}).get(key)
            if key_at is None or not isinstance(value, CommentedBase) or value.fa.flow_style():
                continue
            if isinstance(value, CommentedMap) and mapping is None:
                mapping = value.lc.col - key_at[1]
            elif isinstance(value, CommentedSeq) and value.lc.data and sequence is None:
                offset, sequence = value.lc.col - key_at[1], value.lc.data[0][1] - key_at[1]
    default_map, default_seq, default_offset = _DEFAULT_LAYOUT
    mapping = mapping if mapping is not None and 0 < mapping <= 8 else default_map
    if sequence is None or offset is None or offset < 0 or sequence < offset + 2:
        return mapping, default_seq, default_offset
    return mapping, sequence, offset


def set_key_after(mapping: CommentedMap, key: str, value: Any, *, after: str = "kind") -> None:
    """Set ``key``, inserting it right after ``after`` (or first) when it is new.

    This is how ``guid:`` lands under ``kind:`` where a reader expects it; an existing
    key keeps its place.
    """
    if key in mapping:
        mapping[key] = value
        return
    position = list(mapping).index(after) + 1 if after in mapping else 0
    mapping.insert(position, key, value)
    if after in mapping:
        _carry_comment(mapping, after, key)


def _carry_comment(mapping: CommentedMap, after: str, key: str) -> None:
    """Keep comment lines and blank lines below ``after`` above the key they preceded.

    ruamel stores them with ``after``'s end-of-line comment, so a key inserted after
    ``after`` would otherwise land between them and the key they describe.
    """
    entry = mapping.ca.items.get(after)
    token = entry[2] if entry and len(entry) > 2 else None
    if token is None:
        return
    own, newline, following = token.value.partition("\n")
    if following:
        token.value = own + newline
        mapping.ca.items[key] = [None, None, CommentToken("\n" + following, token.start_mark), None]


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
    if isinstance(node, CommentedBase) and node.lc.line is not None:
        return node.lc.line, node.lc.col
    return None


def _recorded(node: Any, step: PathItem) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """ruamel's 0-based (key, value) positions of one child; an item is its own key."""
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
