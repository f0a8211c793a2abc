"""Is a saved plan still true? Re-read what it touches before applying it.

A plan reviewed in a pull request is applied later, maybe after someone edited a rule
in Halo's UI. Each change carries a fingerprint of the live record it was computed
from; if the record moved, applying the plan would overwrite that edit unseen, so the
apply is refused and the admin plans again. The re-read costs what planning did: one
list per kind, and a detail GET only where the plan fingerprinted a detail.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from haloform.fetch.reader import LiveKind, Reader, read_kind, read_one
from haloform.kinds import KindSpec
from haloform.plan.fingerprints import basis_of, stamp
from haloform.plan.model import Action, Change, Plan


async def moved_since(client: Reader, plan: Plan) -> list[str]:
    """A sentence per change whose live state is not what the plan saw (empty: fresh)."""
    specs = {change.kind: change.spec for change in plan.changes}
    listed = await asyncio.gather(*(read_kind(client, spec) for spec in specs.values()))
    lists = {live.spec.kind: live for live in listed}
    details = await asyncio.gather(*(_detail(client, change) for change in plan.changes))
    found = [
        _moved(change, lists[change.kind], detail)
        for change, detail in zip(plan.changes, details, strict=True)
    ]
    return [message for message in found if message]


async def _detail(client: Reader, change: Change) -> Mapping[str, object] | None:
    if change.live_id is None or basis_of(change.fingerprint) != "detail":
        return None
    return await read_one(client, change.spec, change.live_id)


def _moved(change: Change, live: LiveKind, detail: Mapping[str, object] | None) -> str | None:
    name = f"{change.kind} {change.name!r}"
    row = live.row(change.guid)
    if change.action is Action.CREATE:
        return f"{name} was created in the tenant since the plan was made" if row else None
    if row is None:
        return f"{name} (id {change.live_id}) no longer exists in the tenant"
    spec: KindSpec = live.spec
    basis = basis_of(change.fingerprint)
    record = detail if basis == "detail" else row
    if record is None or stamp(spec, record, basis) != change.fingerprint:
        return f"{name} changed in the tenant since the plan was made"
    return None
