"""Reading a tenant's live state with as few requests as Halo's rate limit deserves.

The one live reader: plan, export, diff, a saved plan's re-check and apply all read
through it. One list per managed kind and one per lookup kind, all concurrent; then
one policy (``missing_detail``) decides which records need ``GET {path}/{id}``: those
whose list row lacks a detail-only field (``KindSpec.detail_only``) the consumer
wants, or every one when the consumer wants whole records (export). At 300 requests
per 5 minutes, one request per rule per run would make every plan minutes slower.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from haloform.common.ids import known_id, record_id
from haloform.errors import NotFoundError, ResponseError
from haloform.fetch import children
from haloform.fetch.lookups import fetch_directory
from haloform.kinds import KindSpec
from haloform.snapshot.state import LiveKind, LiveState, Record


class Reader(Protocol):
    """The slice of ``HaloClient`` reading needs."""

    async def list(self, path: str, params: Mapping[str, Any] | None = None) -> list[Record]: ...

    async def get_object(self, path: str, params: Mapping[str, Any] | None = None) -> Record: ...


async def managed_rows(client: Reader, spec: KindSpec) -> list[Record]:
    """The kind's live rows that are its to manage (never a workflow's step rules)."""
    rows = await client.list(spec.api_path, dict(spec.list_params) or None)
    return [row for row in rows if spec.is_managed_row(row)]


async def read_kind(client: Reader, spec: KindSpec) -> LiveKind:
    """The kind's list; a managed row without a usable id is refused, because every
    update and delete addresses a record by its id."""
    managed = await managed_rows(client, spec)
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


async def read_state(
    client: Reader, specs: Iterable[KindSpec], lookups: Iterable[str] | None = None
) -> LiveState:
    """Every managed kind's list and the ``lookups`` (None: every one), concurrently."""
    specs = list(specs)
    kinds, directory = await asyncio.gather(
        asyncio.gather(*(read_kind(client, spec) for spec in specs)),
        fetch_directory(client, lookups),
    )
    return LiveState({live.spec.kind: live for live in kinds}, directory)


async def read_details(client: Reader, live: LiveKind, ids: Collection[int]) -> None:
    """Fetch full records for ``ids`` (not already fetched) into ``live.details``."""
    missing = sorted(set(ids) - set(live.details))
    records = await asyncio.gather(*(read_one(client, live.spec, id) for id in missing))
    for id, record in zip(missing, records, strict=True):
        if record is not None:
            live.details[id] = record


def detail_path(spec: KindSpec, id: int) -> str:
    """Where one record of ``spec`` is read in full."""
    return f"{spec.api_path}/{id}"


async def read_one(client: Reader, spec: KindSpec, id: int) -> Record | None:
    """One record in full, or None when it no longer exists."""
    params = dict(spec.detail_params) or None
    try:
        return await client.get_object(detail_path(spec, id), params)
    except NotFoundError:
        return None


WHOLE: None = None
"""What a consumer wanting whole records (export) passes as its wanted fields."""

Wanted = Callable[[KindSpec, Record], Collection[str] | None]
"""The fields a consumer needs of one live record (``WHOLE``: all of them)."""


def lacking(
    spec: KindSpec, row: Mapping[str, Any], wanted: Collection[str] | None
) -> frozenset[str] | None:
    """THE detail policy: the detail-only fields the consumer wants and ``row`` lacks
    (empty: the row will do), or None when the consumer wants the whole record.

    Halo leaves empty fields out, so absent could mean empty or not carried: only a
    detail GET (or a child list, ``fetch.children``) can tell.
    """
    if wanted is WHOLE:
        return None
    return frozenset(name for name in spec.detail_only & set(wanted) if _absent(row.get(name)))


EVERY = "every field is needed"


def missing_detail(spec: KindSpec, row: Mapping[str, Any], wanted: Collection[str] | None) -> str:
    """Why ``row`` needs more than its list row, in words, or ``""`` when it does not."""
    fields = lacking(spec, row, wanted)
    return EVERY if fields is None else ", ".join(sorted(fields))


def _absent(value: object) -> bool:
    return value in (None, "", [], {})


@dataclass
class DetailLog:
    """Which detail reads a run needed and why, for ``-v``."""

    reasons: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    """(kind, the lacking fields in words, a further reason) -> records read."""
    notes: list[str] = field(default_factory=list)

    def lines(self, because: str) -> list[str]:
        """One sentence per kind and reason: "read 3 TicketRule details:
        criteria_groups is set in files and not in list rows"."""
        return [*self.notes] + [
            f"read {count} {kind} detail{'s' if count != 1 else ''}: "
            + (why if why == EVERY else f"{why} {_verb(why)} {because} and not in list rows")
            + (f", and {more}" if more else "")
            for (kind, why, more), count in sorted(self.reasons.items())
        ]


def _verb(fields: str) -> str:
    return "are" if "," in fields else "is"


async def read_needed_details(client: Reader, state: LiveState, wanted: Wanted) -> DetailLog:
    """What ``lacking`` says each record needs, concurrently: a kind's child lists
    once when they can answer every record's gap, else a detail GET per record."""
    log = DetailLog()
    await asyncio.gather(*(_complete(client, live, wanted, log) for live in state.kinds.values()))
    return log


async def read_children(client: Reader, state: LiveState, kinds: Iterable[str]) -> None:
    """Every child row of these kinds (one GET per child list), where no detail read
    has brought them yet: what the tenant pairs across all its records is wanted."""
    for kind in kinds:
        live = state.kinds.get(kind)
        if live is not None and not live.children and live.spec.child_lists:
            live.children = await children.read_children(client, live.spec)


async def _complete(client: Reader, live: LiveKind, wanted: Wanted, log: DetailLog) -> None:
    spec, detail, by_list = live.spec, [], []
    for row in live.rows:
        want = wanted(spec, row)
        gap = lacking(spec, row, want)
        if gap is not None and children.answerable(spec, gap):
            by_list.append((row, gap, want or ()))
        elif gap != frozenset():
            detail.append((row, missing_detail(spec, row, want), ""))
    if by_list:
        detail.extend(await _from_children(client, live, by_list, log))
    for _, why, more in detail:
        log.reasons[(spec.kind, why, more)] += 1
    await read_details(client, live, [known_id(row) for row, _, _ in detail])


async def _from_children(
    client: Reader,
    live: LiveKind,
    rows: list[tuple[Record, frozenset[str], Collection[str]]],
    log: DetailLog,
) -> list[tuple[Record, str, str]]:
    """Fill ``rows`` from the child lists; those the lists cannot answer come back."""
    spec = live.spec
    found = await children.read_children(client, spec)
    live.children = found
    grouped = children.group(spec, found)
    fallback = []
    for row, gap, want in rows:
        if gaps := children.left_out(spec, found, grouped, row, want):
            fallback.append((row, ", ".join(sorted(gap)), "; ".join(gaps)))
        else:
            live.assembled[known_id(row)] = children.assemble(row, grouped)
    if filled := len(rows) - len(fallback):
        paths = ", ".join(child.path for child in spec.child_lists)
        log.notes.append(f"filled {filled} {spec.kind} records from one GET {paths}")
    return fallback
