"""Making a Plan: the repo against one tenant's live state, matched by guid.

A pure function of a repo and a tenant read beforehand (``haloform.tasks.planning``
reads it): resolve every reference (failing with all missing ones at once), compare
each resource in portable terms, decide the deletes and their order. The Plan that
comes out is a value; this module never asks the tenant anything.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from haloform.common.ids import known_id
from haloform.diagnostics import Diagnostic
from haloform.diff.fields import FieldChange, diff
from haloform.errors import PlanError
from haloform.kinds import KindSpec
from haloform.load.located import did_you_mean
from haloform.load.repo import Declared, Repo, Tombstone
from haloform.load.settings import PruneScope
from haloform.plan.deletions import detach, live_ordered, planned_deletions, unmanaged
from haloform.plan.fingerprints import stamp
from haloform.plan.graph import Cycle, break_cycles
from haloform.plan.in_use import in_use_warnings
from haloform.plan.model import Action, Change, Plan, Referenced, Unmanaged
from haloform.plan.neighbours import with_neighbours
from haloform.plan.payload import (
    desired_payload,
    unpaired_warnings,
    update_payload,
)
from haloform.resolve.duplicates import shared_guid_warnings
from haloform.resolve.edges import (
    desired_edges,
    edge_key,
    payload_edges,
    without_refs,
)
from haloform.resolve.index import TenantIndex
from haloform.resolve.portable import is_empty, to_portable
from haloform.resolve.references import (
    Resolved,
    ids_by_guid,
    resolve_all,
    tenant_index,
)
from haloform.snapshot.state import LiveState


@dataclass(frozen=True)
class PlanRequest:
    """What to plan: a repo, for one environment's tenant."""

    repo: Repo
    environment: str
    tenant: str
    specs: tuple[KindSpec, ...]
    lookup_names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    prune: tuple[PruneScope, ...] = ()
    targets: tuple[str, ...] = ()
    """``KIND/NAME`` filters (``--target``); their dependencies come along."""


@dataclass
class _Context:
    request: PlanRequest
    live: LiveState
    index: TenantIndex
    resolved: Resolved
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    warnings: list[Diagnostic | str] = field(default_factory=list)
    unpaired: dict[str, list[str]] = field(default_factory=dict)


def check_references(
    request: PlanRequest, live: LiveState
) -> tuple[TenantIndex, Resolved, list[Diagnostic | str]]:
    """Every reference of the repo resolved in this tenant, from its lists alone, and
    the warnings the plan carries (the repo's, then these); raises ``ConfigErrors``
    naming each reference that cannot be (so before any detail is read)."""
    _check_targets(request)
    index = tenant_index(request.repo, live, request.lookup_names)
    resolved, problems = resolve_all(request.repo, index, request.tenant, request.environment)
    problems.raise_for_errors(f"{request.tenant} cannot satisfy these references")
    found = [*request.repo.diagnostics.warnings, *problems.warnings]
    return index, resolved, list(found)


def make_plan(request: PlanRequest, live: LiveState) -> Plan:
    """The plan for ``request`` against ``live``, a tenant read beforehand (the
    reading task brings what ``wants`` and ``deletions.needed_by_deletes`` ask for).
    Pure: it computes, and never asks the tenant anything."""
    index, resolved, warnings = check_references(request, live)
    index = dataclasses.replace(index, ids_by_guid=ids_by_guid(live))
    ctx = _Context(request, live, index, resolved, warnings=warnings)
    for item in request.repo.resources:
        if item.spec.kind in live.kinds:
            _plan_resource(ctx, item)
    ctx.warnings.extend(unpaired_warnings(ctx.unpaired, request.tenant))
    deletes, gone = planned_deletions(request.repo, request.prune, live)
    ctx.changes.extend(deletes)
    ctx.warnings.extend(gone)
    ctx.changes = [
        _fingerprinted(ctx, live_ordered(live, index, ctx.changes, change))
        for change in ctx.changes
    ]
    ctx.warnings.extend(in_use_warnings(live, ctx.changes))
    untangled = break_cycles(
        _targeted(ctx.changes, request.targets),
        defer_references,
        functools.partial(detach, live, index),
    )
    ctx.warnings.extend(_cycle_warning(cycle) for cycle in untangled.cycles if cycle.two_pass)
    ctx.warnings.extend(
        _cycle_warning(cycle, untangled.changes) for cycle in untangled.cycles if cycle.detached
    )
    changes = with_neighbours(sorted(untangled.changes, key=Change.sort_key), request.repo, live)
    left = unmanaged(request.repo, live, ctx.changes)
    ctx.warnings.extend(_namesakes(changes, left))
    ctx.warnings.extend(shared_guid_warnings(live))
    return Plan(
        environment=request.environment,
        tenant=request.tenant,
        changes=tuple(changes),
        unchanged=ctx.unchanged,
        unmanaged=tuple(left),
        referenced=_referenced(live, changes),
        warnings=tuple(ctx.warnings),
        targets=request.targets,
        repo=str(request.repo.root.resolve()),
    )


def _referenced(live: LiveState, changes: Sequence[Change]) -> tuple[Referenced, ...]:
    """What the changes refer to and leave alone, with the ids the tenant gave them: the
    applier sends those ids instead of listing the tenant again to learn them."""
    changed = {edge_key(change.kind, change.guid) for change in changes}
    keys = {key for c in changes for part in (c.payload, c.deferred) for key in payload_edges(part)}
    found = []
    for key in sorted(keys - changed):
        kind, _, guid = key.partition("/")
        record = live.kinds[kind].by_guid(guid) if kind in live.kinds else None
        live_id = known_id(record) if record is not None else None
        if record is not None and live_id is not None:
            name = str(record.get("name") or "")
            found.append(Referenced(kind=kind, guid=guid, name=name, live_id=live_id))
    return tuple(found)


def _plan_resource(ctx: _Context, item: Declared) -> None:
    live_kind = ctx.live.kinds[item.spec.kind]
    payload = desired_payload(item, ctx.resolved, ctx.index, ctx.unpaired)
    # keep_empty: a file that writes `criteria: []` or `note: ""` clears the field.
    desired = to_portable(item.spec, payload, ctx.index, keep_empty=True)
    record = live_kind.by_guid(item.guid)
    depends = desired_edges(ctx.request.repo, item.resource)
    if record is None:
        fields = tuple(
            FieldChange(path=k, after=v)
            for k, v in desired.items()
            if k != "guid" and not is_empty(v)
        )
        ctx.changes.append(
            _change(Action.CREATE, item, payload=payload, fields=fields, depends_on=depends)
        )
        return
    fields = diff(item.spec, desired, to_portable(item.spec, record, ctx.index))
    if not fields:
        ctx.unchanged += 1
        return
    ctx.changes.append(
        _change(
            Action.UPDATE,
            item,
            payload=update_payload(item.spec, payload, record),
            fields=fields,
            desired=desired,
            depends_on=depends,
            live_id=known_id(record),
        )
    )


def _change(action: Action, item: Declared | Tombstone, **extra: Any) -> Change:
    return Change(
        action=action,
        kind=item.spec.kind,
        guid=item.guid,
        name=item.name,
        source=str(item.location),
        **extra,
    )


def _cycle_warning(cycle: Cycle, changes: Sequence[Change] = ()) -> str:
    if not cycle.detached or cycle.cut is None:
        return f"reference cycle {cycle}: created first without the reference, then updated"
    source = next(change for change in changes if change.key == cycle.cut[0])
    dropped = ", ".join(field.path for field in source.fields)
    return (
        f"reference cycle {cycle} among deletes: {source.kind} {source.name!r} is updated "
        f"first to drop {dropped}, then each is deleted"
    )


def _fingerprinted(ctx: _Context, change: Change) -> Change:
    if change.live_id is None:
        return change
    live = ctx.live.kinds[change.kind]
    detail = live.details.get(change.live_id)
    if detail is not None:
        return change.model_copy(update={"fingerprint": stamp(live.spec, detail, "detail")})
    assembled = live.assembled.get(change.live_id)
    if assembled is not None:
        return change.model_copy(update={"fingerprint": stamp(live.spec, assembled, "lists")})
    row = live.row(change.guid) or {}
    return change.model_copy(update={"fingerprint": stamp(live.spec, row, "row")})


def _check_targets(request: PlanRequest) -> None:
    """A ``--target`` naming nothing in the repo is a typo, not an empty plan."""
    repo = request.repo
    known = {f"{item.spec.kind}/{item.name}".casefold() for item in repo.resources}
    known |= {f"{tomb.spec.kind}/{tomb.name}".casefold() for tomb in repo.tombstones}
    unknown = [target for target in request.targets if target.casefold() not in known]
    if unknown:
        hint = did_you_mean(unknown[0], sorted(f"{i.spec.kind}/{i.name}" for i in repo.resources))
        raise PlanError(
            f"--target {unknown[0]!r} names no resource in this repo "
            f"(write KIND/NAME, e.g. TicketRule/P1 to Network){hint}"
        )


def _namesakes(changes: list[Change], unmanaged: list[Unmanaged]) -> list[str]:
    """Creates that apply will refuse: the tenant already holds a record of that kind
    and name that no file describes (often one a guid-replacing tenant left behind)."""
    taken = {(u.kind, u.name.casefold()): u for u in unmanaged}
    return [
        f"{change.source}: {change.kind} {change.name!r} will not be created: the tenant "
        f"already holds one of that name that no file describes (guid {twin.guid}); adopt "
        "its guid in the file, or rename or delete one of the two"
        for change in changes
        if change.action is Action.CREATE
        and (twin := taken.get((change.kind, change.name.casefold()))) is not None
    ]


def _targeted(changes: list[Change], targets: tuple[str, ...]) -> list[Change]:
    """Changes named by ``--target KIND/NAME``, with what they need: a create or
    update what it depends on, a delete the deletes of what still refers to it."""
    if not targets:
        return changes
    wanted = {t.casefold() for t in targets}
    by_key = {change.key: change for change in changes}
    users: dict[str, list[str]] = {}
    for change in changes:
        if change.action is Action.DELETE:
            for key in change.depends_on:
                users.setdefault(key, []).append(change.key)
    keep = {c.key for c in changes if f"{c.kind}/{c.name}".casefold() in wanted}
    todo = list(keep)
    while todo:
        change = by_key[todo.pop()]
        needs = users.get(change.key, []) if change.action is Action.DELETE else change.depends_on
        for key in needs:
            if key in by_key and key not in keep:
                keep.add(key)
                todo.append(key)
    return [change for change in changes if change.key in keep]


def defer_references(change: Change, keys: frozenset[str]) -> Change:
    """``change`` with its references to ``keys`` held back for a second pass.

    A top-level field whose value holds such a reference goes out without it in the
    create, and whole (references included) in ``deferred``, sent once every resource
    of the cycle exists. Top-level, because Halo's update replaces a child list whole.
    """
    payload = dict(change.payload or {})
    deferred = dict(change.deferred or {})
    for name, value in list(payload.items()):
        stripped = without_refs(value, keys)
        if stripped != value:
            deferred[name] = value
            payload[name] = stripped
    if not deferred:
        return change
    depends = tuple(key for key in change.depends_on if key not in keys)
    return change.model_copy(
        update={"payload": payload, "deferred": deferred, "depends_on": depends}
    )
