"""The managed kinds of one tenant as read: list rows, and full records where read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from haloform.common.ids import known_id
from haloform.kinds import KindSpec
from haloform.snapshot.directory import Directory

Record = dict[str, Any]


@dataclass
class LiveKind:
    """One kind's live records: its list rows, and full records where fetched."""

    spec: KindSpec
    rows: list[Record]
    """Rows this kind manages (``is_managed_row``): step rules are not ticket rules."""
    details: dict[int, Record] = field(default_factory=dict)
    assembled: dict[int, Record] = field(default_factory=dict)
    """Rows completed from the kind's child lists (``KindSpec.child_lists``)."""
    children: Mapping[str, list[Record]] = field(default_factory=dict)
    """Every row the child lists answered, by the field they make up (``steps``), the
    records the plan does not manage included."""

    def __post_init__(self) -> None:
        self._by_guid = {str(r["guid"]).casefold(): r for r in self.rows if r.get("guid")}

    def by_guid(self, guid: str) -> Record | None:
        """The fullest record known for ``guid``: its detail when fetched, else its row."""
        row = self._by_guid.get(guid.casefold())
        if row is None:
            return None
        id = known_id(row)
        return self.details.get(id) or self.assembled.get(id, row)

    def row(self, guid: str) -> Record | None:
        """The list row for ``guid``, as the list answered it."""
        return self._by_guid.get(guid.casefold())

    def guids(self) -> set[str]:
        return set(self._by_guid)


@dataclass
class LiveState:
    """The managed kinds and the lookups of one tenant, as read for one plan."""

    kinds: dict[str, LiveKind]
    directory: Directory
