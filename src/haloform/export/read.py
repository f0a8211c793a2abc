"""Reading a tenant for an export: lists, then every exported record in full.

Each record costs a detail read (the lists lack steps, criteria groups and mappings),
so an export of 1,000 rules is a thousand requests, about a quarter of an hour at
Halo's rate limit. They go concurrently within the client's budget, a name filter
(``export --match``) or ``import``'s picks read fewer, and ``progress`` hears each one
so that the wait is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from haloform.common.ids import known_id
from haloform.export.selection import NameFilter, Selection
from haloform.fetch.reader import WHOLE, Reader, detail_path, read_needed_details, read_state
from haloform.kinds import KINDS, KindSpec
from haloform.snapshot.state import LiveState, Record

ReadProgress = Callable[[int, int, str], None]
"""Hears ``(done, total, what)`` after each record read in full: an export of 1,000
rules reads for a quarter of an hour at Halo's rate limit."""

Picker = Selection | NameFilter


async def read_tenant(
    client: Reader,
    specs: tuple[KindSpec, ...],
    selection: Picker | None = None,
    progress: ReadProgress | None = None,
) -> LiveState:
    """Lists and lookups, then every record of ``specs`` (or of the selection) in full,
    concurrently within the client's budget. The list of each referable kind comes too,
    exported or not: a ticket rule that sets a workflow names it only if the
    workflows' names are known."""
    referable = tuple(spec for spec in KINDS if spec.ref_key and spec not in specs)
    live = await read_state(client, (*specs, *referable))
    if selection is not None:
        selection.check_found({spec: live.kinds[spec.kind].rows for spec in specs})

    def wanted(spec: KindSpec, row: Record) -> frozenset[str] | None:
        taken = spec in specs and (selection is None or selection.wants(spec, row))
        return WHOLE if taken else frozenset()

    if progress is not None:
        client = _Counted(client, _labels(live, wanted), progress)
    await read_needed_details(client, live, wanted)
    return live


def _labels(live: LiveState, wanted: Callable[[KindSpec, Record], object]) -> dict[str, str]:
    """What each detail read will be called in progress lines, by its path."""
    return {
        detail_path(kind.spec, known_id(row)): f"{kind.spec.kind} {str(row.get('name', ''))!r}"
        for kind in live.kinds.values()
        for row in kind.rows
        if wanted(kind.spec, row) is WHOLE
    }


class _Counted:
    """A ``Reader`` that reports each detail read to ``progress``."""

    def __init__(self, client: Reader, labels: Mapping[str, str], progress: ReadProgress):
        self._client, self._labels, self._progress = client, labels, progress
        self._done = 0

    async def list(self, path: str, params: Mapping[str, Any] | None = None) -> list[Record]:
        return await self._client.list(path, params)

    async def get_object(self, path: str, params: Mapping[str, Any] | None = None) -> Record:
        try:
            return await self._client.get_object(path, params)
        finally:
            self._done += 1
            self._progress(self._done, len(self._labels), self._labels.get(path, path))
