"""Write documents read with ``read_yaml(..., for_writing=True)`` back, surgically.

Untouched documents go back byte for byte; an edited one is re-dumped by ruamel in
the indentation its file was written with, its comments kept.
"""

from __future__ import annotations

import io
from collections import deque
from collections.abc import Iterable
from typing import Any

from ruamel.yaml.comments import CommentedBase, CommentedMap, CommentedSeq
from ruamel.yaml.tokens import CommentToken

from haloform.load.fastyaml import LocatedMap, LocatedSeq
from haloform.load.yamlio import YamlDocument, new_yaml, shape

_DEFAULT_LAYOUT = (2, 4, 2)
"""mapping indent, sequence indent, dash offset: ``key:\\n  - item``, the docs' style."""


def dump_documents(documents: Iterable[YamlDocument], *, canonical: bool = False) -> str:
    """Write documents back: untouched ones exactly as read, edited ones re-dumped.

    An edited document keeps its comments, key order, quoting and its file's
    indentation style as far as ruamel preserves them; its ``---`` line and anything
    after a ``...`` marker are kept verbatim. ``canonical`` (for ``fmt``) re-dumps every
    document in the default indentation, whatever the file used.
    """
    return "".join(_dump_document(document, canonical) for document in documents)


def _dump_document(document: YamlDocument, canonical: bool = False) -> str:
    if isinstance(document.data, (LocatedMap, LocatedSeq)):
        raise ValueError("a document read without for_writing=True cannot be written back")
    if not canonical and shape(document.data) == document.shape:
        return document.source
    yaml = new_yaml()
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
