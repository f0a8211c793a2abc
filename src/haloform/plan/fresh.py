"""Is a saved plan still true? Re-read what it touches before applying it.

A plan reviewed in a pull request is applied later, maybe after someone edited a rule
in Halo's UI. Each change carries a fingerprint of the live record it was computed
from; if the record moved, applying the plan would overwrite that edit unseen, so the
apply is refused and the admin plans again.
"""

from __future__ import annotations

import asyncio

from haloform.plan.build import fingerprint_of
from haloform.plan.model import Action, Change, Plan
from haloform.state import Reader, read_kind, read_one


async def moved_since(client: Reader, plan: Plan) -> list[str]:
    """A sentence per change whose live state is not what the plan saw (empty: fresh)."""
    creates = [change for change in plan.changes if change.action is Action.CREATE]
    specs = {change.kind: change.spec for change in creates}
    listed, checked = await asyncio.gather(
        asyncio.gather(*(read_kind(client, spec) for spec in specs.values())),
        asyncio.gather(*(_check(client, change) for change in plan.changes)),
    )
    existing = {live.spec.kind: live.guids() for live in listed}
    appeared = [
        f"{_name(change)} was created in the tenant since the plan was made"
        for change in creates
        if change.guid.casefold() in existing[change.kind]
    ]
    return [message for message in checked if message] + appeared


async def _check(client: Reader, change: Change) -> str | None:
    if change.live_id is None:
        return None
    spec = change.spec
    record = await read_one(client, spec, change.live_id)
    if record is None or str(record.get("guid", "")).casefold() != change.guid.casefold():
        return f"{_name(change)} (id {change.live_id}) no longer exists in the tenant"
    if fingerprint_of(spec, record) != change.fingerprint:
        return f"{_name(change)} changed in the tenant since the plan was made"
    return None


def _name(change: Change) -> str:
    return f"{change.kind} {change.name!r}"
