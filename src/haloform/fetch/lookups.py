"""The tenant directory: things a config repo refers to but does not own.

Agents, teams, statuses, priorities, SLAs, templates, ticket types and outcomes have
numeric ids that differ between tenants while their names stay the same, so files name
them and each tenant's directory turns a name into that tenant's id (and back, for
export). Each lookup is declared once here; nothing else knows their endpoints' quirks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class LookupSpec:
    """How one lookup endpoint names and numbers its rows."""

    kind: str
    """The word a reference uses: ``{agent: Alice Admin}``."""
    path: str
    id_field: str = "id"
    """The field rules store. /Priority's ``id`` is a GUID; rules store ``priorityid``."""
    name_fields: tuple[str, ...] = ("name",)
    """Where the display name is; the first non-empty one wins."""


LOOKUPS: tuple[LookupSpec, ...] = (
    LookupSpec("agent", "/Agent"),
    LookupSpec("team", "/Team"),
    LookupSpec("status", "/Status"),
    LookupSpec("priority", "/Priority", id_field="priorityid"),
    LookupSpec("sla", "/SLA"),
    LookupSpec("template", "/Template"),
    LookupSpec("tickettype", "/TicketType"),
    LookupSpec("outcome", "/Outcome", name_fields=("buttonname", "outcome", "labellong")),
)
LOOKUP_KINDS: frozenset[str] = frozenset(spec.kind for spec in LOOKUPS)


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


class Lister(Protocol):
    """The slice of ``HaloClient`` a directory needs (tests can pass a fake)."""

    async def list(self, path: str) -> list[dict[str, Any]]: ...


def entry_from_row(spec: LookupSpec, row: Mapping[str, Any]) -> Entry | None:
    """A row as an ``Entry``, or None when it lacks a usable id or name."""
    raw_id = row.get(spec.id_field)
    name = next((str(row[key]) for key in spec.name_fields if row.get(key)), None)
    if raw_id is None or isinstance(raw_id, bool) or name is None:
        return None
    try:
        number = int(raw_id)
    except (TypeError, ValueError):
        return None
    guid = row.get("guid")
    return Entry(id=number, name=name, guid=str(guid) if guid else None)


async def fetch_directory(client: Lister, kinds: Iterable[str] | None = None) -> Directory:
    """One GET per lookup kind, concurrently (the client keeps within the rate limit)."""
    wanted = set(kinds) if kinds is not None else set(LOOKUP_KINDS)
    specs = [spec for spec in LOOKUPS if spec.kind in wanted]
    answers = await asyncio.gather(*(client.list(spec.path) for spec in specs))
    entries: dict[str, tuple[Entry, ...]] = {}
    for spec, rows in zip(specs, answers, strict=True):
        parsed = (entry_from_row(spec, row) for row in rows)
        entries[spec.kind] = tuple(
            sorted((entry for entry in parsed if entry is not None), key=lambda e: (e.name, e.id))
        )
    return Directory(entries)
