"""A tenant's lookups (agents, teams, statuses...) as one tenant numbers and names them.

Which lookups exist and how Halo lists them is declared in ``haloform.kinds.lookups``;
``haloform.fetch.lookups`` reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Entry:
    """One row of a lookup, reduced to what references need."""

    id: int
    name: str
    guid: str | None = None


@dataclass(frozen=True)
class Directory:
    """A tenant's lookups by kind, searchable by name (case-insensitively) and by id."""

    entries: Mapping[str, tuple[Entry, ...]] = field(default_factory=dict)

    def all(self, kind: str) -> tuple[Entry, ...]:
        return self.entries.get(kind, ())

    def by_name(self, kind: str, name: str) -> list[Entry]:
        """Every row with that name: more than one means the name is ambiguous there."""
        wanted = name.casefold()
        return [entry for entry in self.all(kind) if entry.name.casefold() == wanted]

    def by_id(self, kind: str, id: int) -> Entry | None:
        return next((entry for entry in self.all(kind) if entry.id == id), None)
