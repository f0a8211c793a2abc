"""Is a saved plan still true? Re-read what it touches before applying it.

A plan reviewed in a pull request is applied later, maybe after someone edited a rule
in Halo's UI. Each change carries a fingerprint of the live record it was computed
from; if the record moved, applying the plan would overwrite that edit unseen, so the
apply is refused and the admin plans again. The re-read costs what planning did: one
list per kind, a detail GET only where the plan fingerprinted a detail, and a kind's
child lists once where it fingerprinted a record completed from them. The unchanged
resources the changes refer to are checked too, from the same lists: the apply sends
the ids the plan recorded for them.
"""

from __future__ import annotations

from haloform.common.ids import known_id
from haloform.fetch.reader import WHOLE, Reader, read_needed_details, read_state
from haloform.kinds import KindSpec, by_kind
from haloform.plan.fingerprints import basis_of, stamp
from haloform.plan.model import Action, Change, Plan, Referenced
from haloform.snapshot.state import LiveKind, Record


async def moved_since(client: Reader, plan: Plan) -> list[str]:
    """A sentence per change whose live state is not what the plan saw (empty: fresh)."""
    specs = {change.kind: change.spec for change in plan.changes}
    specs.update((r.kind, spec) for r in plan.referenced if (spec := by_kind(r.kind)) is not None)
    live = await read_state(client, specs.values(), lookups=())
    basis = {
        (change.kind, change.live_id): basis_of(change.fingerprint)
        for change in plan.changes
        if change.live_id is not None
    }

    def wanted(spec: KindSpec, row: Record) -> frozenset[str] | None:
        """As the plan read it: whole, from the child lists, or the row alone."""
        how = basis.get((spec.kind, known_id(row)), "row")
        if how == "lists":
            return frozenset(child.fills for child in spec.child_lists)
        return WHOLE if how == "detail" else frozenset()

    await read_needed_details(client, live, wanted)
    found = [_moved(change, live.kinds[change.kind]) for change in plan.changes]
    found += [_gone(referenced, live.kinds.get(referenced.kind)) for referenced in plan.referenced]
    return [message for message in found if message]


def _gone(referenced: Referenced, live: LiveKind | None) -> str | None:
    """Whether a resource the changes refer to is no longer the record the plan saw."""
    row = live.row(referenced.guid) if live is not None else None
    if row is not None and known_id(row) == referenced.live_id:
        return None
    name = f"{referenced.kind} {referenced.name!r} (id {referenced.live_id})"
    return f"{name}, which the plan's changes refer to, no longer exists in the tenant"


def _moved(change: Change, live: LiveKind) -> str | None:
    name = f"{change.kind} {change.name!r}"
    row = live.row(change.guid)
    if change.action is Action.CREATE:
        return f"{name} was created in the tenant since the plan was made" if row else None
    if row is None:
        return f"{name} (id {change.live_id}) no longer exists in the tenant"
    spec: KindSpec = live.spec
    basis = basis_of(change.fingerprint)
    fuller = {"detail": live.details, "lists": live.assembled}.get(basis)
    record = fuller.get(change.live_id or 0) if fuller is not None else row
    if record is None or stamp(spec, record, basis) != change.fingerprint:
        return f"{name} changed in the tenant since the plan was made"
    return None
