"""``haloform fmt``: every file in the one layout ``load.style`` describes.

A file a person edited drifts from the layout export writes (keys in another order,
quotes nobody needs, a long list on one line), and every such difference is noise in
a review. fmt puts each document of a known kind back into that layout in place:
comments stay (ruamel keeps them on their keys; a mapping holding one stays in block
style), values never change, and running it twice changes nothing the second time.
Documents of kinds it does not know, and files that do not parse, are left alone.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString, ScalarString

from haloform.diagnostics import Diagnostic
from haloform.kinds import by_kind
from haloform.kinds.ref_fields import nested_models
from haloform.load.documents import config_files
from haloform.load.style import HEAD, flows, is_block_text
from haloform.load.yamlio import YamlFile, read_yaml
from haloform.load.yamlwrite import dump_documents


@dataclass(frozen=True)
class Formatted:
    """One file that is (or, with ``--check``, would be) rewritten."""

    path: Path
    text: str


def format_tree(root: Path) -> tuple[list[Formatted], list[Diagnostic]]:
    """The files under ``root`` whose text changes, and the files that could not be read."""
    changed: list[Formatted] = []
    problems: list[Diagnostic] = []
    for path in [root] if root.is_file() else config_files(root):
        parsed = read_yaml(path, for_writing=True)
        problems.extend(parsed.diagnostics)
        text = format_file(parsed)
        if text is not None and text != path.read_text(encoding="utf-8"):
            changed.append(Formatted(path, text))
    return changed, problems


def format_file(parsed: YamlFile) -> str | None:
    """The file's text in the layout, or None when it did not parse."""
    if parsed.diagnostics:
        return None
    for document in parsed.documents:
        data = document.data
        spec = by_kind(str(data.get("kind"))) if isinstance(data, CommentedMap) else None
        if spec is not None:
            _restyle(data, spec.model, item=False)
    return dump_documents(parsed.documents, canonical=True)


def _restyle(node: CommentedMap, model: type[BaseModel] | None, *, item: bool) -> None:
    _reorder(node, _key_order(model))
    for key, value in list(node.items()):
        # ruamel's own __setitem__ keeps a replaced string's quoting: go around it.
        OrderedDict.__setitem__(node, key, _plain(value))
        inner = _nested_model(model, str(key))
        if isinstance(value, CommentedMap):
            _restyle(value, inner, item=False)
        elif isinstance(value, CommentedSeq):
            _restyle_list(value, inner)
    _set_flow(node, item=item)


def _restyle_list(seq: CommentedSeq, model: type[BaseModel] | None) -> None:
    for index, value in enumerate(seq):
        list.__setitem__(seq, index, _plain(value))
        if isinstance(value, CommentedMap):
            _restyle(value, model, item=True)
        elif isinstance(value, CommentedSeq):
            _restyle_list(value, None)
    _set_flow(seq, item=False)


def _key_order(model: type[BaseModel] | None) -> tuple[str, ...]:
    return (*HEAD, *(model.model_fields if model is not None else ()))


def _reorder(node: CommentedMap, order: tuple[str, ...]) -> None:
    """Known keys in ``order``, unknown ones after them as they were; comments travel
    with their keys (ruamel keeps them per key)."""
    rank = {key: index for index, key in enumerate(order)}
    written = {key: index for index, key in enumerate(node)}
    keys = sorted(node, key=lambda key: (rank.get(str(key), len(rank)), written[key]))
    for key in keys:
        node.move_to_end(key)


def _nested_model(model: type[BaseModel] | None, key: str) -> type[BaseModel] | None:
    info = model.model_fields.get(key) if model is not None else None
    return next((nested for nested, _ in nested_models(info)), None) if info else None


def _plain(value: Any) -> Any:
    """A string without the quotes someone typed (the emitter quotes where YAML must);
    multi-line text as a literal block."""
    if isinstance(value, str) and is_block_text(value):
        return value if isinstance(value, LiteralScalarString) else LiteralScalarString(value)
    if isinstance(value, ScalarString):
        return str(value)
    return value


def _set_flow(node: CommentedMap | CommentedSeq, *, item: bool) -> None:
    if _has_comments(node) or not flows(_plain_copy(node), item=item):
        node.fa.set_block_style()
    else:
        node.fa.set_flow_style()


def _has_comments(node: CommentedMap | CommentedSeq) -> bool:
    if node.ca.comment or node.ca.items:
        return True
    values = node.values() if isinstance(node, Mapping) else node
    return any(isinstance(v, CommentedMap | CommentedSeq) and _has_comments(v) for v in values)


def _plain_copy(node: Any) -> Any:
    if isinstance(node, Mapping):
        return {key: _plain_copy(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain_copy(value) for value in node]
    return node
