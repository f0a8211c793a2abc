"""Field-level changes between a desired and a live resource, both in portable terms.

Both sides come from ``portable.to_portable``; the diff adds the rules that make a
plan right after an apply empty:

- **Only what the file says is managed.** A field the desired side leaves out is never
  compared, at any depth: Halo fills in defaults and fields haloform does not know,
  and none of them may show as a change. The exception is the kind's top-level
  ``defaults``: a file without ``active`` means ``active: true``, so when the desired
  side omits a defaulted field, the live value is compared with the default (and a
  live record that omits it holds the default too).
- **Absent equals unset** (``KindSpec.is_unset``: None, ``""``, ``[]``, ``{}``, and
  the ``0`` / ``false`` of id references and declared ``zero_unset`` fields): Halo
  leaves empty fields out, or answers them zero-filled. A desired unset value (a file's
  ``null``, sent as the field's "not set") against a set live one clears it: the
  change's ``after`` is None (a flag turned off keeps ``false``).
- **Numbers compare by value** (``240 == 240.0``), booleans only with booleans, strings
  exactly.
- **Keyed lists** (``KindSpec.keyed_lists``: steps by ``step_id``, actions by outcome and
  end step, rules and targets by name...) match items by key; a matched pair is
  diffed field by field under the same rules; a desired item with no live match is
  added, and a live item no desired item matches is removed (the file declares the
  whole list). Items without a key are matched like an unordered list.
- **Unordered lists** (``KindSpec.unordered_lists``: criteria, restrictions...) are
  multisets: a desired item matches a live item when diffing the two finds nothing
  (so the live item may carry more fields). The pairing is a maximum matching, so a
  loose item never steals the live item a stricter one needs. An item that changed
  shows as one removed and one added: there is no identity to say it is the same.
- **Other lists** are compared position by position.

**Symmetric mode** (``symmetric=True``, for one tenant against another): neither side
is "the file", so a field set on either side is compared, at every depth, and a list
item matches another only when they agree on every field either sets.

Paths read like the file and name what they point at, never by a number that looks
like a list index: ``note``; a keyed item by its label or its key, quoted
(``steps["Awaiting confirmation"].name``, ``stages["Triage"]``); an item keyed by several
fields joins their values with `` -> ``, a reference shown by its name and a key naming
another list's item (``KeyedBy.refers``) by that item's label
(``steps["Logged"].actions["Escalate -> Escalated"].time_limit_mins``); when two items
share a label, their key follows it (``steps["Review" #3]``); ``criteria[+]`` and
``criteria[-]`` (an unordered item added or removed; ``after``/``before`` hold it);
``output_variables[0]`` (by position, for lists that have no key). A matched item is
named by its desired label (a renamed step by its new name; the rename shows as its
``.name`` change); a removed one by its live label. An added or removed keyed item has
``before`` or ``after`` None. Changes come sorted by path (numbers in numeric order),
then by value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from pydantic import BaseModel, ConfigDict

from haloform.common.canonical import canonical_json
from haloform.common.frozen import FrozenJson
from haloform.common.paths import join_path, keyed_segment
from haloform.kinds import KindSpec
from haloform.kinds.base import KeyedBy
from haloform.resolve.portable import is_empty

_DIGITS = re.compile(r"(\d+)")


class FieldChange(BaseModel):
    """One changed value, in the file's portable terms (names, not tenant ids)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str
    """``steps["Logged"].actions["Resolve -> Resolved"].end_step``: keyed items are
    named by their label or key (see this module's docstring for the whole syntax)."""
    before: FrozenJson = None
    after: FrozenJson = None


def diff(
    spec: KindSpec,
    desired: Mapping[str, Any],
    live: Mapping[str, Any],
    *,
    symmetric: bool = False,
) -> tuple[FieldChange, ...]:
    """What applying ``desired`` would change in ``live`` (both portable dicts).

    ``symmetric`` also compares fields only ``live`` sets (``after`` None for those):
    for two tenants, where neither record is the authority on what is managed.
    """
    want = {**spec.defaults, **desired}
    have = {**spec.defaults, **live}
    walk = _Walk(
        unset=spec.is_unset,
        keyed=spec.keyed_markers,
        unordered=spec.unordered_lists,
        objects=spec.object_patterns,
        symmetric=symmetric,
        names=_names(spec.keyed_markers, have, want),
    )
    return tuple(sorted(walk.object(want, have, "", ""), key=_order))


@dataclass(frozen=True)
class _Walk:
    """The desired value and the live one side by side, by path pattern (``steps[]``)."""

    unset: Callable[[str, object], bool]
    """``KindSpec.is_unset``: whether a value at a pattern means "not set"."""
    keyed: Mapping[str, KeyedBy]
    unordered: frozenset[str]
    objects: frozenset[str]
    """Patterns of modelled objects (``""``, ``steps[]``...): diffed field by field;
    any other mapping (a reference, a passthrough item) is one value."""
    symmetric: bool = False
    """Also walk the fields only ``have`` sets (see the module docstring)."""
    names: Mapping[str, Mapping[str, str]] = dataclass_field(default_factory=dict)
    """Top-level keyed list -> its items' labels by key (``steps`` -> step_id -> name)."""

    def object(
        self, want: Mapping[str, Any], have: Mapping[str, Any], pattern: str, path: str
    ) -> Iterator[FieldChange]:
        for name, value in want.items():
            yield from self.value(
                value, have.get(name), join_path(pattern, name), join_path(path, name)
            )
        if not self.symmetric:
            return
        for name, value in have.items():
            if name not in want:
                # A list only one side has is compared item by item, as an added list is.
                absent: list[Any] | None = [] if isinstance(value, list) else None
                yield from self.value(
                    absent, value, join_path(pattern, name), join_path(path, name)
                )

    def value(self, want: Any, have: Any, pattern: str, path: str) -> Iterator[FieldChange]:
        if isinstance(want, list) and (isinstance(have, list) or is_empty(have)):
            yield from self.list(want, have or [], pattern, path)
        elif isinstance(want, Mapping) and pattern in self.objects and not _compared_whole(have):
            yield from self.object(want, have or {}, pattern, path)
        elif not self.same(want, have, pattern):
            # a file that writes Halo's "not set" clears the field: after None (a flag
            # turned off stays false: to a reader that is a value, not a clearing)
            cleared = self.unset(pattern, want) and not isinstance(want, bool)
            after = None if cleared else want
            yield FieldChange(path=path, before=have, after=after)

    def same(self, want: Any, have: Any, pattern: str) -> bool:
        """Whether ``have`` holds what ``want`` says (a value diffed as one)."""
        if isinstance(want, Mapping) and isinstance(have, Mapping):
            return not any(self.object(want, have, pattern, ""))
        if isinstance(want, list) and isinstance(have, list):
            return not any(self.list(want, have, pattern, ""))
        if self.unset(pattern, want) or self.unset(pattern, have):
            return self.unset(pattern, want) and self.unset(pattern, have)
        if isinstance(want, bool) or isinstance(have, bool):
            return isinstance(want, bool) and isinstance(have, bool) and want == have
        return bool(want == have)

    def list(
        self, want: Sequence[Any], have: Sequence[Any], pattern: str, path: str
    ) -> Iterator[FieldChange]:
        if pattern in self.keyed:
            yield from self.keyed_items(want, have, pattern, path)
        elif pattern in self.unordered:
            yield from self.multiset(want, have, pattern, path)
        else:
            yield from self.positions(want, have, pattern, path)

    def keyed_items(
        self, want: Sequence[Any], have: Sequence[Any], pattern: str, path: str
    ) -> Iterator[FieldChange]:
        marker = self.keyed[pattern]
        keys = marker.fields
        live: dict[str, list[Mapping[str, Any]]] = {}
        for item in have:
            if (identity := _identity(item, keys)) is not None:
                live.setdefault(identity, []).append(item)
        shared = _shared_labels(marker, [*want, *have])
        for item in want:
            identity = _identity(item, keys)
            if identity is None:
                continue
            label = f"{path}[{self.label(marker, item, shared)}]"
            match = live[identity].pop(0) if live.get(identity) else None
            if match is None:
                yield FieldChange(path=label, before=None, after=item)
            else:
                yield from self.object(item, match, f"{pattern}[]", label)
        for items in live.values():
            for item in items:
                label = f"{path}[{self.label(marker, item, shared)}]"
                yield FieldChange(path=label, before=item, after=None)
        keyless_want = [item for item in want if _identity(item, keys) is None]
        keyless_have = [item for item in have if _identity(item, keys) is None]
        yield from self.multiset(keyless_want, keyless_have, pattern, path)

    def collect(
        self, value: Any, pattern: str, path: str, found: dict[str, Mapping[str, Any]]
    ) -> None:
        """Every keyed item under ``value`` by the path the diff names it with."""
        if not isinstance(value, Mapping):
            return
        for name, item in value.items():
            inner, where = join_path(pattern, name), join_path(path, name)
            marker = self.keyed.get(inner)
            if marker is None or not isinstance(item, list):
                continue
            shared = _shared_labels(marker, item)
            for element in item:
                if isinstance(element, Mapping) and _identity(element, marker.fields):
                    label = f"{where}[{self.label(marker, element, shared)}]"
                    found[label] = element
                    self.collect(element, f"{inner}[]", label, found)

    def label(self, marker: KeyedBy, item: Mapping[str, Any], shared: frozenset[str]) -> str:
        """How a path names a keyed item: its label (with its key when another item has
        the same label), else its key values, references by name, quoted."""
        own = _own_label(marker, item)
        if own is not None:
            key = "->".join(_shown(item.get(field)) for field in marker.fields)
            return keyed_segment(own, key, shared=own in shared)
        refers = dict(marker.refers)
        parts, quiet = [], []
        for field in marker.fields:
            shown = _shown(item.get(field))
            target = refers.get(field)
            if field in marker.quiet:
                if not is_empty(item.get(field)):
                    quiet.append(f" ({field} {shown})")
                continue
            parts.append(self.names.get(target, {}).get(shown, shown) if target else shown)
        return keyed_segment(None, " -> ".join(parts) + "".join(quiet))

    def multiset(
        self, want: Sequence[Any], have: Sequence[Any], pattern: str, path: str
    ) -> Iterator[FieldChange]:
        item = f"{pattern}[]"
        fits = [[j for j, h in enumerate(have) if self.same(w, h, item)] for w in want]
        pairs = _maximum_matching(fits)
        for i, value in enumerate(want):
            if i not in pairs:
                yield FieldChange(path=f"{path}[+]", before=None, after=value)
        taken = set(pairs.values())
        for j, value in enumerate(have):
            if j not in taken:
                yield FieldChange(path=f"{path}[-]", before=value, after=None)

    def positions(
        self, want: Sequence[Any], have: Sequence[Any], pattern: str, path: str
    ) -> Iterator[FieldChange]:
        for i, value in enumerate(want):
            label = f"{path}[{i}]"
            if i < len(have):
                yield from self.value(value, have[i], f"{pattern}[]", label)
            else:
                yield FieldChange(path=label, before=None, after=value)
        for i in range(len(want), len(have)):
            yield FieldChange(path=f"{path}[{i}]", before=have[i], after=None)


def _maximum_matching(fits: Sequence[Sequence[int]]) -> dict[int, int]:
    """Desired index -> live index, pairing as many as possible (augmenting paths):
    a first-come pairing could give a loose item the only live item a stricter one fits."""
    owner: dict[int, int] = {}

    def claim(i: int, seen: set[int]) -> bool:
        for j in fits[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or claim(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(fits)):
        claim(i, set())
    return {i: j for j, i in owner.items()}


def _compared_whole(have: Any) -> bool:
    """Whether a live value is one to compare as a whole, not field by field (an
    object the live side lacks is compared field by field, as an empty one)."""
    return have is not None and not isinstance(have, Mapping)


def _identity(item: Any, keys: tuple[str, ...]) -> str | None:
    """A hashable spelling of an item's key; None when it has none to match by."""
    if not isinstance(item, Mapping):
        return None
    values = [item.get(key) for key in keys]
    if all(is_empty(value) for value in values):
        return None
    return canonical_json(values)


def _names(
    markers: Mapping[str, KeyedBy], *documents: Mapping[str, Any]
) -> dict[str, dict[str, str]]:
    """Labels of the items of each top-level labelled list by key, later documents
    winning (the desired name of a renamed step), for ``KeyedBy.refers`` to show."""
    names: dict[str, dict[str, str]] = {}
    for pattern, marker in markers.items():
        if "[" in pattern or marker.label is None or len(marker.fields) != 1:
            continue
        table = names.setdefault(pattern, {})
        for document in documents:
            items = document.get(pattern)
            for item in items if isinstance(items, list) else ():
                if isinstance(item, Mapping) and (own := _own_label(marker, item)) is not None:
                    table[_shown(item.get(marker.fields[0]))] = own
    return names


def _own_label(marker: KeyedBy, item: Mapping[str, Any]) -> str | None:
    value = item.get(marker.label) if marker.label else None
    return None if is_empty(value) else str(value)


def _shared_labels(marker: KeyedBy, items: Sequence[Any]) -> frozenset[str]:
    """Labels that two items with different keys carry: they need their key too."""
    seen: dict[str, set[str]] = {}
    for item in items:
        identity = _identity(item, marker.fields)
        own = _own_label(marker, item) if isinstance(item, Mapping) else None
        if identity is not None and own is not None:
            seen.setdefault(own, set()).add(identity)
    return frozenset(label for label, keys in seen.items() if len(keys) > 1)


def _shown(value: Any) -> str:
    """A key value as a reader knows it: a reference by its name (or guid)."""
    if isinstance(value, Mapping) and len(value) == 1:
        (inner,) = value.values()
        return _shown(inner.get("guid") if isinstance(inner, Mapping) else inner)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "?" if value is None else str(value)


def _order(change: FieldChange) -> tuple[tuple[str | int, ...], str]:
    # Removals before additions, as a reader of a diff expects (`[-]` sorts after `[+]`).
    parts = _DIGITS.split(change.path.replace("[-]", "[*]"))
    natural = tuple(int(part) if i % 2 else part for i, part in enumerate(parts))
    values = canonical_json([change.before, change.after])
    return natural, values


@dataclass(frozen=True)
class Segment:
    """One step of a path: a field name, and the item of its list it selects, if any
    (``key`` is the label as shown, unquoted: ``Logged``, ``Escalate -> Escalated``,
    ``+``/``-`` for an unordered item, ``0`` for a position)."""

    name: str
    key: str | None = None


_SEGMENT = re.compile(r'\.?([^.\[]+)(?:\[("(?:[^"\\]|\\.)*"(?: #[^\]]*)?|[^\]]*)\])?')


def parse_path(path: str) -> tuple[Segment, ...]:
    """A FieldChange path back into its segments: renderers ask "which step is this
    about" without knowing the syntax, which lives only in this module."""
    segments = []
    for match in _SEGMENT.finditer(path):
        name, key = match.group(1), match.group(2)
        if key is not None and key.startswith('"'):
            quoted, _, suffix = key.partition('" #')
            key = json.loads(quoted if not suffix else quoted + '"')
            key = f"{key} #{suffix}" if suffix else key
        segments.append(Segment(name, key))
    return tuple(segments)


def item_paths(spec: KindSpec, document: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The path a diff gives each keyed item of ``document`` (a portable resource),
    at every depth: ``steps["Logged"]``, ``steps["Logged"].actions["Escalate -> Escalated"]``.
    Renderers match a change's paths to the items they draw by it."""
    walk = _Walk(
        unset=spec.is_unset,
        keyed=spec.keyed_markers,
        unordered=spec.unordered_lists,
        objects=spec.object_patterns,
        names=_names(spec.keyed_markers, document),
    )
    found: dict[str, Mapping[str, Any]] = {}
    walk.collect(document, "", "", found)
    return found
