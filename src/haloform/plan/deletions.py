"""What a plan deletes, and in which order: tombstones, prune scopes, and the live
references between the doomed records.

Deletes are decided from the repo and the tenant's list rows alone, so the reading
task knows them before the plan is made, and reads in full only the doomed records
whose order (or ``in_use``) depends on fields their rows lack.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from haloform.common.ids import canonical_guid, known_id
from haloform.kinds import KindSpec
from haloform.load.repo import Repo
from haloform.load.settings import PruneScope
from haloform.plan.model import Action, Change, Unmanaged, resource_key
from haloform.plan.payload import detach_payload
from haloform.resolve.edges import edge_key, live_edges, reference_fields
from haloform.resolve.index import TenantIndex
from haloform.snapshot.state import LiveKind, LiveState, Record

Wanted = Callable[[KindSpec, Record], frozenset[str] | None]
"""The fields a read must bring for one live record (None: the whole record)."""


def planned_deletions(
    repo: Repo, prune: Sequence[PruneScope], live: LiveState
) -> tuple[list[Change], list[str]]:
    """The deletes the repo asks for (tombstones, and unmanaged records a prune scope
    covers), and a warning for each tombstone whose record is already gone."""
    deletes: list[Change] = []
    warnings: list[str] = []
    for tomb in repo.tombstones:
        kind = live.kinds.get(tomb.spec.kind)
        record = kind.by_guid(tomb.guid) if kind else None
        if record is None:
            warnings.append(
                f"{tomb.location}: {tomb.spec.kind} {tomb.name!r} is marked "
                "deleted and is already absent from the tenant"
            )
            continue
        deletes.append(
            Change(
                action=Action.DELETE,
                kind=tomb.spec.kind,
                guid=tomb.guid,
                name=tomb.name,
                source=str(tomb.location),
                live_id=known_id(record),
            )
        )
    for kind, row in unmanaged_rows(repo, live):
        name = str(row.get("name", ""))
        if row.get("guid") and any(scope.covers(kind.spec.kind, name) for scope in prune):
            deletes.append(
                Change(
                    action=Action.DELETE,
                    kind=kind.spec.kind,
                    guid=str(row.get("guid")),
                    name=name,
                    live_id=known_id(row),
                    source="prune scope in haloform.yaml",
                )
            )
    return deletes, warnings


def needed_by_deletes(deletes: Sequence[Change]) -> Wanted:
    """What a read must bring of the doomed records: the fields that may refer to
    another managed resource (a workflow's steps), so that the deletes follow what the
    tenant holds, not what any file says; the whole detail of a kind that declares
    ``in_use`` there (FACTS: only the detail carries it)."""
    doomed = {change.key for change in deletes}

    def wanted(spec: KindSpec, row: Record) -> frozenset[str] | None:
        if resource_key(spec.kind, canonical_guid(row.get("guid"))) not in doomed:
            return frozenset()
        if spec.in_use_field is not None:
            return None
        return reference_fields(spec) & spec.detail_only

    return wanted


def unmanaged_rows(repo: Repo, live: LiveState) -> list[tuple[LiveKind, Record]]:
    """Live rows no file describes (nor marks deleted)."""
    known = {item.guid for item in repo.resources} | {tomb.guid for tomb in repo.tombstones}
    return [
        (kind, row)
        for kind in live.kinds.values()
        for row in kind.rows
        if str(row.get("guid", "")).casefold() not in known
    ]


def unmanaged(repo: Repo, live: LiveState, changes: Sequence[Change]) -> list[Unmanaged]:
    """What the tenant holds that the repo neither describes nor deletes."""
    pruned = {change.key for change in changes if change.action is Action.DELETE}
    found = [
        Unmanaged(
            kind=kind.spec.kind,
            guid=str(row["guid"]) if row.get("guid") is not None else None,
            name=str(row.get("name", "")),
            live_id=known_id(row),
        )
        for kind, row in unmanaged_rows(repo, live)
        if resource_key(kind.spec.kind, str(row.get("guid"))) not in pruned
    ]
    return sorted(found, key=lambda u: (u.kind, u.name.casefold(), u.guid or ""))


def live_ordered(
    live: LiveState, index: TenantIndex, changes: Sequence[Change], change: Change
) -> Change:
    """A delete waits for the other deletes whose live record refers to it: its
    ``depends_on`` are the deleted resources its own live record refers to."""
    if change.action is not Action.DELETE:
        return change
    kind = live.kinds[change.kind]
    record = kind.by_guid(change.guid) or {}
    doomed = {edge_key(c.kind, c.guid): c.key for c in changes if c.action is Action.DELETE}
    edges = live_edges(kind.spec, record, index)
    depends = tuple(sorted(doomed[key] for key in edges if key in doomed))
    return change.model_copy(update={"depends_on": depends}) if depends else change


def detach(live: LiveState, index: TenantIndex, change: Change, keys: frozenset[str]) -> Change:
    """A delete in a reference cycle, carrying the update that drops its references
    to ``keys`` before any delete runs (``payload``, and the ``fields`` it changes)."""
    kind = live.kinds[change.kind]
    record = kind.by_guid(change.guid) or {}
    drop = frozenset(edge_key(*key.split("/", 1)) for key in keys)
    payload, fields = detach_payload(kind.spec, record, drop, index)
    if not fields:
        return change
    depends = tuple(key for key in change.depends_on if key not in keys)
    return change.model_copy(update={"payload": payload, "fields": fields, "depends_on": depends})
