"""Reading a tenant's live state with as few requests as Halo's rate limit deserves.

One list per managed kind and one per lookup kind, all concurrent; a detail GET only
for a record whose list entry lacks something the config manages (a workflow's
steps, a rule's criteria groups) or that a plan is about to change. At 300 requests
per 5 minutes, one request per rule per run would make every plan minutes slower.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from haloform.common.ids import known_id, record_id
from haloform.errors import NotFoundError, ResponseError
from haloform.fetch.lookups import Directory, fetch_directory
from haloform.kinds import KindSpec

Record = dict[str, Any]


class Reader(Protocol):
    """The slice of ``HaloClient`` reading needs."""

    async def list(self, path: str, params: Mapping[str, Any] | None = None) -> list[Record]: ...

    async def get_object(self, path: str, params: Mapping[str, Any] | None = None) -> Record: ...


@dataclass
class LiveKind:
    """One kind's live records: its list rows, and full records where fetched."""

    spec: KindSpec
    rows: list[Record]
    """Rows this kind manages (``is_managed_row``): step rules are not ticket rules."""
    details: dict[int, Record] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_guid = {str(r["guid"]).casefold(): r for r in self.rows if r.get("guid")}

    def by_guid(self, guid: str) -> Record | None:
        """The fullest record known for ``guid``: its detail when fetched, else its row."""
        row = self._by_guid.get(guid.casefold())
        if row is None:
            return None
        return self.details.get(known_id(row), row)

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


async def read_kind(client: Reader, spec: KindSpec) -> LiveKind:
    """The kind's list; a managed row without a usable id is refused, because every
    update and delete addresses a record by its id."""
    rows = await client.list(spec.api_path, dict(spec.list_params) or None)
    managed = [row for row in rows if spec.is_managed_row(row)]
    broken = next((row for row in managed if record_id(row) is None), None)
    if broken is not None:
        raise ResponseError(
            f"a {spec.kind} row ({broken.get('name') or broken.get('guid') or 'unnamed'}) has "
            f"no usable id ({broken.get('id')!r}); Halo always sends one",
            method="GET",
            path=spec.api_path,
            status=200,
        )
    return LiveKind(spec, managed)


async def read_state(client: Reader, specs: Iterable[KindSpec]) -> LiveState:
    """Every managed kind's list and every lookup, concurrently."""
    specs = list(specs)
    kinds, directory = await asyncio.gather(
        asyncio.gather(*(read_kind(client, spec) for spec in specs)),
        fetch_directory(client),
    )
    return LiveState({live.spec.kind: live for live in kinds}, directory)


async def read_details(client: Reader, live: LiveKind, ids: Collection[int]) -> None:
    """Fetch full records for ``ids`` (not already fetched) into ``live.details``."""
    missing = sorted(set(ids) - set(live.details))
    records = await asyncio.gather(*(read_one(client, live.spec, id) for id in missing))
    for id, record in zip(missing, records, strict=True):
        if record is not None:
            live.details[id] = record


async def read_one(client: Reader, spec: KindSpec, id: int) -> Record | None:
    """One record in full, or None when it no longer exists."""
    params = dict(spec.detail_params) or None
    try:
        return await client.get_object(f"{spec.api_path}/{id}", params)
    except NotFoundError:
        return None


def lacks(row: Mapping[str, Any], fields: Iterable[str]) -> bool:
    """Whether a list row is missing any of ``fields`` (Halo leaves empty ones out, so
    absent could mean empty or not carried: only a detail GET can tell)."""
    return any(row.get(name) in (None, "", [], {}) for name in fields)
