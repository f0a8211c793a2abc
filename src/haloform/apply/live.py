"""Reading back what a tenant holds, for the applier's questions about its own writes.

When Halo's answer does not say what happened (it was lost, or left records out) and
when a reference points outside the plan, the applier lists the kind once and looks
for guids: one GET answers the question for a whole batch.
"""

from __future__ import annotations

from collections.abc import Iterable

from haloform.common.ids import canonical_guid
from haloform.errors import AuthError, HaloError, RateLimitedError, TransportError
from haloform.halo import HaloClient, Record
from haloform.kinds import KindSpec

STOPPING: tuple[type[HaloError], ...] = (AuthError, RateLimitedError, TransportError)
"""Failures of the tenant as a whole, not of one record: the apply stops rather than
fail every remaining record the same way. ``OutcomeUnknownError`` is a
``TransportError`` but concerns one write; callers handle it before these."""


async def managed_rows(client: HaloClient, spec: KindSpec) -> list[Record]:
    """The kind's live rows that are its to manage (never a workflow's step rules)."""
    rows = await client.list(spec.api_path, dict(spec.list_params))
    return [row for row in rows if spec.is_managed_row(row)]


def by_guid(rows: Iterable[Record]) -> dict[str, Record]:
    return {canonical_guid(row["guid"]): row for row in rows if row.get("guid")}
