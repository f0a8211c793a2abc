"""The tenant directory: each lookup's rows, as one tenant numbers them.

Which lookups exist, where Halo lists them and how their rows are numbered and named
is declared once, in ``haloform.kinds.lookups``; this module reads them from a tenant.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from haloform.kinds.lookups import RESOLVABLE, Lookup
from haloform.snapshot.directory import Directory, Entry


class Lister(Protocol):
    """The slice of ``HaloClient`` a directory needs (tests can pass a fake)."""

    async def list(self, path: str) -> list[dict[str, Any]]: ...


def entry_from_row(spec: Lookup, row: Mapping[str, Any]) -> Entry | None:
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
    wanted = set(kinds) if kinds is not None else {spec.word for spec in RESOLVABLE}
    specs = [(spec, spec.path) for spec in RESOLVABLE if spec.word in wanted and spec.path]
    answers = await asyncio.gather(*(client.list(path) for _, path in specs))
    entries: dict[str, tuple[Entry, ...]] = {}
    for (spec, _), rows in zip(specs, answers, strict=True):
        parsed = (entry_from_row(spec, row) for row in rows)
        entries[spec.word] = tuple(
            sorted((entry for entry in parsed if entry is not None), key=lambda e: (e.name, e.id))
        )
    return Directory(entries)
