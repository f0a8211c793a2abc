"""Reading back what a tenant holds, for the applier's questions about its own writes.

When Halo's answer does not say what happened (it was lost, or left records out) and
when a reference points outside the plan, the applier lists the kind once (through the
one live reader, ``fetch.reader.managed_rows``) and looks for guids: one GET answers
the question for a whole batch.
"""

from __future__ import annotations

from collections.abc import Iterable

from haloform.common.ids import canonical_guid
from haloform.errors import AuthError, HaloError, RateLimitedError, TransportError
from haloform.halo import Record

STOPPING: tuple[type[HaloError], ...] = (AuthError, RateLimitedError, TransportError)
"""Failures of the tenant as a whole, not of one record: the apply stops rather than
fail every remaining record the same way. ``OutcomeUnknownError`` is a
``TransportError`` but concerns one write; callers handle it before these."""


def by_guid(rows: Iterable[Record]) -> dict[str, Record]:
    return {canonical_guid(row["guid"]): row for row in rows if row.get("guid")}
