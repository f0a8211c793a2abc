"""Export's YAML layout: a resource written the same way every time, and what a
value means whichever way a person spelled it.

- **Stable order** (``sort_lists``). Halo answers children in whatever order its
  database returns them, and two tenants rarely agree. Keyed lists (steps by
  ``step_id``, stages by ``sequence``, actions by outcome and end step...) are sorted by
  their key, unordered lists (criteria, mappings...) by each item's canonical JSON;
  other lists keep Halo's order, which means something (it is what the API stores).
- **Readable new text** (``load.style.to_node``: the layout ``haloform fmt`` keeps too).
- **Meaning** (``Meaning``). Two spellings of one value compare equal: quoting,
  ``240.0`` and ``240``, a ``${var}`` that expands to the value, a reference by guid or
  by name, a lookup name in another letter case, a keyed or unordered list in another
  order. Export leaves such a value as the person wrote it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from haloform.common.canonical import canonical_json
from haloform.common.ids import canonical_guid
from haloform.common.paths import join_path
from haloform.kinds import by_ref_key
from haloform.load.documents import expand
from haloform.load.style import is_reference
from haloform.resolve.portable import is_empty

# --- stable order --------------------------------------------------------------------


def sort_lists(
    value: Any,
    keyed: Mapping[str, tuple[str, ...]],
    unordered: Collection[str],
    pattern: str = "",
) -> Any:
    """``value`` (portable, plain) with its keyed and unordered lists sorted, deepest
    first, so an item's canonical form does not depend on its children's order."""
    if isinstance(value, Mapping):
        return {
            key: sort_lists(item, keyed, unordered, join_path(pattern, str(key)))
            for key, item in value.items()
        }
    if not isinstance(value, list):
        return value
    items = [sort_lists(item, keyed, unordered, f"{pattern}[]") for item in value]
    if pattern in keyed:
        fields = keyed[pattern]
        items.sort(key=lambda item: (_key_order(item, fields), canonical_json(item)))
    elif pattern in unordered:
        items.sort(key=canonical_json)
    return items


def _key_order(item: Any, fields: tuple[str, ...]) -> tuple[Any, ...]:
    """Numbers in numeric order, then text (case-insensitively), then anything else;
    an item without its key sorts last."""
    values = [item.get(name) if isinstance(item, Mapping) else None for name in fields]
    if all(is_empty(value) for value in values):
        return (1,)
    return (0, *(_sortable(value) for value in values))


def _sortable(value: Any) -> tuple[int, float, str]:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (0, float(value), "")
    if isinstance(value, str):
        return (1, 0.0, value.casefold() + "\0" + value)
    if is_empty(value):
        return (3, 0.0, "")
    return (2, 0.0, canonical_json(value))


# --- what a value means ----------------------------------------------------------------


@dataclass(frozen=True)
class Meaning:
    """Tells two spellings of one value apart from two values.

    ``managed_name`` maps (kind, guid) to the name a reference by name would use, so
    ``{workflow: {guid: ...}}`` means the same as ``{workflow: Incident}``;
    ``variables`` expand ``${var}`` as the environment being exported would.
    """

    keyed: Mapping[str, tuple[str, ...]]
    unordered: Collection[str]
    managed_name: Callable[[str, str], str | None]
    variables: Mapping[str, str] = field(default_factory=dict)

    def same(self, old: Any, new: Any, pattern: str) -> bool:
        return canonical_json(self.canonical(old, pattern)) == canonical_json(
            self.canonical(new, pattern)
        )

    def canonical(self, value: Any, pattern: str) -> Any:
        if isinstance(value, Mapping):
            reference = self._reference(value)
            if reference is not None:
                return reference
            found = {
                str(key): self.canonical(inner, join_path(pattern, str(key)))
                for key, inner in value.items()
            }
            return {key: inner for key, inner in found.items() if not is_empty(inner)}
        if isinstance(value, list):
            items = [self.canonical(inner, f"{pattern}[]") for inner in value]
            if pattern in self.keyed or pattern in self.unordered:
                items.sort(key=canonical_json)
            return items
        return self._scalar(value, pattern)

    def _scalar(self, value: Any, pattern: str) -> Any:
        if isinstance(value, bool):
            return bool(value)
        if isinstance(value, int):
            return int(value)
        if isinstance(value, float):
            return int(value) if value.is_integer() else float(value)
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, str):
            text = str(value)
            if "${" in text and self.variables:
                expanded, problems = expand(text, self.variables)
                text = text if problems else expanded
            return text.casefold() if pattern.rpartition(".")[2] == "guid" else text
        return value

    def _reference(self, value: Mapping[Any, Any]) -> Any:
        if not is_reference(value):
            return None
        ((word, inner),) = value.items()
        managed = by_ref_key(str(word))
        if isinstance(inner, Mapping):
            guid = canonical_guid(str(inner["guid"]))
            name = self.managed_name(managed.kind, guid) if managed else None
            if name is None:
                return {str(word): {"guid": guid}}
            inner = name
        return {str(word): {"name": str(inner).casefold()}}
