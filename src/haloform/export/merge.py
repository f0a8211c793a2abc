"""Merging a new export into a document someone already edited, keeping what they wrote.

An existing document is updated value by value: a value that still means the same
(``export_layout.Meaning``) is left exactly as written, changed values are set, new
keys land after their predecessor in model order, keys the tenant no longer has are
removed, list items are matched by key (keyed lists), by value (unordered lists) or by
position (the rest). Comment lines travel with the entry they sit above: ruamel keeps
them after the previous entry, so removing or inserting an entry moves the lines that
describe the next one along with it. Secrets (write-only fields) are never read back,
so a document's ``${env:...}`` reference to one is kept; a top-level default
(``active: true``) a document leaves out is not added, since it already means it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.tokens import CommentToken

from haloform.common.paths import join_path
from haloform.export.layout import Meaning
from haloform.load.style import to_node
from haloform.resolve.portable import is_empty

_Node = CommentedMap | CommentedSeq
_Slot = tuple[dict[Any, list[Any]], Any, int]
"""Where ruamel keeps the comment after one entry: (``ca.items``, key, position)."""


@dataclass(frozen=True)
class Merger:
    """Updates an existing document to say what a new export says."""

    meaning: Meaning
    keep: frozenset[str] = frozenset()
    """Top-level keys never removed: write-only fields a tenant never answers."""
    defaults: Mapping[str, Any] = field(default_factory=dict)
    """Top-level values a document may leave out (Halo's defaults): not added to a
    document that leaves them out, since it already means them."""

    def document(self, old: CommentedMap, new: Mapping[str, Any]) -> None:
        self.mapping(old, new, "")

    def mapping(self, old: CommentedMap, new: Mapping[str, Any], pattern: str) -> None:
        for key in [key for key in old if key not in new]:
            kept = pattern == "" and key in self.keep
            if not kept and not is_empty(self.meaning.canonical(old[key], join_path(pattern, key))):
                remove(old, key)  # an empty value means what absent means: left as written
        previous: Any = None
        for key, value in new.items():
            if key in old:
                self._set(old, key, self.value(old[key], value, join_path(pattern, key)))
            elif (
                pattern == ""
                and key in self.defaults
                and self.meaning.same(self.defaults[key], value, key)
            ):
                continue
            else:
                insert_key(old, key, to_node(value), after=previous)
            previous = key

    def value(self, old: Any, new: Any, pattern: str) -> Any:
        """The node that should stand where ``old`` stands: ``old`` itself (updated in
        place when it is a collection of the same shape) or a new one."""
        if self.meaning.same(old, new, pattern):
            return old
        if isinstance(old, CommentedMap) and isinstance(new, Mapping):
            self.mapping(old, new, pattern)
            return old
        if isinstance(old, CommentedSeq) and isinstance(new, list):
            self.sequence(old, new, pattern)
            return old
        return to_node(new, item=pattern.endswith("[]"))

    def sequence(self, old: CommentedSeq, new: list[Any], pattern: str) -> None:
        item = f"{pattern}[]"
        if pattern in self.meaning.keyed:
            fields = self.meaning.keyed[pattern]
            pairs = _pair(old, new, lambda a, b: self._same_key(a, b, fields, item))
            self._apply_pairs(old, new, pairs, item, reuse=False)
        elif pattern in self.meaning.unordered:
            pairs = _pair(old, new, lambda a, b: self.meaning.same(a, b, item))
            self._apply_pairs(old, new, pairs, item, reuse=True)
        else:
            for index, value in enumerate(new):
                if index < len(old):
                    self._set(old, index, self.value(old[index], value, item))
                else:
                    insert_item(old, index, to_node(value, item=True))
            while len(old) > len(new):
                remove(old, len(old) - 1)

    def _same_key(self, old: Any, new: Any, fields: tuple[str, ...], item: str) -> bool:
        if not isinstance(old, Mapping) or not isinstance(new, Mapping):
            return False
        keys = [(name, old.get(name), new.get(name)) for name in fields]
        if all(is_empty(a) and is_empty(b) for _, a, b in keys):
            return self.meaning.same(old, new, item)
        return all(self.meaning.same(a, b, join_path(item, name)) for name, a, b in keys)

    def _apply_pairs(
        self, old: CommentedSeq, new: list[Any], pairs: dict[int, int], item: str, *, reuse: bool
    ) -> None:
        """``pairs``: new index -> old index. Paired items are merged in place; with
        ``reuse`` an unpaired new item takes the place of an unpaired old one (keeping
        its style); old items left over are removed, and new ones left over go right
        after the item before them in the new order."""
        spare = [at for at in range(len(old)) if at not in pairs.values()]
        if reuse:
            for index in range(len(new)):
                if index not in pairs and spare:
                    closest = max(spare, key=lambda at: self._likeness(old[at], new[index], item))
                    pairs[index] = closest
                    spare.remove(closest)
        for index, at in pairs.items():
            self._set(old, at, self.value(old[at], new[index], item))
        for at in sorted(spare, reverse=True):
            remove(old, at)
        # What stands at each position of ``old`` now: its old position, or None (new).
        order: list[int | None] = [*sorted(pairs.values())]
        previous: int | None = None
        for index, value in enumerate(new):
            if index in pairs:
                previous = order.index(pairs[index])
                continue
            at = 0 if previous is None else previous + 1
            insert_item(old, at, to_node(value, item=True))
            order.insert(at, None)
            previous = at

    def _likeness(self, old: Any, new: Any, item: str) -> int:
        """How many fields two items share (the first spare wins a tie)."""
        if not isinstance(old, Mapping) or not isinstance(new, Mapping):
            return 0
        return sum(
            1
            for key, value in new.items()
            if key in old and self.meaning.same(old[key], value, join_path(item, str(key)))
        )

    @staticmethod
    def _set(node: _Node, key: Any, value: Any) -> None:
        if node[key] is value:
            return
        following = _take_following(_tail(node, key))
        node[key] = value
        _put_following(_tail(node, key), following)


def _pair(
    old: Sequence[Any], new: Sequence[Any], match: Callable[[Any, Any], bool]
) -> dict[int, int]:
    """New index -> old index, each old item used once, first match in old order."""
    taken: set[int] = set()
    pairs: dict[int, int] = {}
    for index, value in enumerate(new):
        for at, existing in enumerate(old):
            if at not in taken and match(existing, value):
                pairs[index] = at
                taken.add(at)
                break
    return pairs


# --- keys and items, with the comments that describe their neighbours ---------------------


def remove(node: _Node, key: Any) -> None:
    """Remove one entry; the comment lines below it (about the next entry) move up to
    the entry before it, replacing the lines that were about the removed one."""
    keys = list(node) if isinstance(node, CommentedMap) else list(range(len(node)))
    position = keys.index(key)
    following = _take_following(_tail(node, key))
    if position > 0:
        before = _tail(node, keys[position - 1])
        _take_following(before)
        _put_following(before, following)
    del node[key]
    if isinstance(node, CommentedMap):
        node.ca.items.pop(key, None)


def insert_key(node: CommentedMap, key: Any, value: Any, *, after: Any) -> None:
    """Insert ``key`` after the key ``after`` (None: first); the comment lines below
    ``after`` (about the key that followed it) move below the new entry."""
    following = "" if after is None else _take_following(_tail(node, after))
    node.insert(0 if after is None else list(node).index(after) + 1, key, value)
    _put_following(_tail(node, key), following)


def insert_item(node: CommentedSeq, at: int, value: Any) -> None:
    """Insert an item at position ``at``, carrying comments as ``insert_key`` does."""
    following = "" if at == 0 else _take_following(_tail(node, at - 1))
    node.insert(at, value)
    _put_following(_tail(node, at), following)


def _tail(node: _Node, key: Any) -> _Slot:
    """The comment slot after entry ``key``, below whatever block its value opens."""
    value = node[key]
    if isinstance(value, CommentedMap) and value and not value.fa.flow_style():
        return _tail(value, list(value)[-1])
    if isinstance(value, CommentedSeq) and value and not value.fa.flow_style():
        return _tail(value, len(value) - 1)
    return node.ca.items, key, 2 if isinstance(node, CommentedMap) else 0


def _token(slot: _Slot) -> CommentToken | None:
    items, key, position = slot
    entry = items.get(key)
    token = entry[position] if entry and len(entry) > position else None
    return token if isinstance(token, CommentToken) else None


def _take_following(slot: _Slot) -> str:
    """Remove and return the whole comment lines after an entry (not its own
    end-of-line comment): in ruamel they describe the next entry."""
    token = _token(slot)
    if token is None:
        return ""
    own, newline, following = str(token.value).partition("\n")
    if not following:
        return ""
    items, key, position = slot
    if own.strip():
        token.value = own + newline
    else:
        items[key][position] = None
    return following


def _put_following(slot: _Slot, following: str) -> None:
    if not following:
        return
    token = _token(slot)
    if token is None:
        items, key, position = slot
        entry = items.setdefault(key, [None, None, None, None])
        entry[position] = CommentToken("\n" + following, CommentMark(0), None)
        return
    own, _, _ = str(token.value).partition("\n")
    token.value = own + "\n" + following
