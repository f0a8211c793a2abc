"""Read-back verification: did Halo keep what the apply wrote?

A 200 is not proof. Halo rewrites some fields on save and can drop nested arrays or
fields it does not accept without an error (docs/halo-api.md), and whether a shorter ``steps``
array deletes the missing steps is unknown. So after the writes, the kinds written are
read back the way the planner reads them (``haloform.fetch.reader``: one list per kind,
a detail GET only for a record whose list row lacks what was sent) and each record is
compared with what was sent in the plan's own terms: both sides through
``resolve.portable.to_portable`` and ``diff.fields.diff``, the same rules that make a
plan right after an apply empty. Whatever that diff still finds is what Halo did not
keep.

The comparison needs no lookup directory: both sides hold the same tenant ids for
agents, statuses and the like, and ids compare as exactly as names. Managed references
(a rule's workflow) are named through the lists this module reads anyway, and, for a
kind it did not write, through the ids the plan recorded (``Plan.referenced``): a
reference Halo turned into some other id matches neither, and is reported.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from haloform.apply.ids import change_key, normal_key
from haloform.common.frozen import FrozenValue
from haloform.common.ids import canonical_guid
from haloform.diff.fields import diff
from haloform.fetch.reader import Reader, read_kind, read_needed_details
from haloform.kinds import KindSpec, by_kind
from haloform.load.repo import Repo
from haloform.plan.model import Action, Change, Plan
from haloform.resolve.index import TenantIndex
from haloform.resolve.portable import to_portable
from haloform.resolve.references import tenant_index
from haloform.snapshot.directory import Directory
from haloform.snapshot.state import LiveKind, LiveState, Record


class NotKept(FrozenValue):
    """One thing Halo answered 2xx for and does not hold."""

    kind: str
    guid: str
    name: str
    path: str
    """The field, as a plan shows it (``stopmatching``, ``steps[3]``); "" for the
    whole record."""
    sent: Any = None
    """What the apply sent, in the plan's terms (None: it removed this item)."""
    kept: Any = None
    """What Halo holds there now."""
    whole: str | None = None
    """For the whole record: ``"missing"`` (a write Halo does not hold) or
    ``"still there"`` (a delete it does)."""

    @property
    def survived(self) -> bool:
        """An item the apply removed (a workflow step) that Halo kept."""
        return self.sent is None and self.kept is not None and not self.whole


class Verification(FrozenValue):
    """What the read-back found; ``skipped`` when ``--no-verify`` asked for none."""

    skipped: bool = False
    checked: int = 0
    """Resources read back and compared."""
    not_kept: tuple[NotKept, ...] = ()
    error: str | None = None
    """Why the read-back itself failed: then nothing is known to have converged."""
    requests: int = 0

    @property
    def ok(self) -> bool:
        return self.skipped or (self.error is None and not self.not_kept)


async def verify_writes(
    client: Reader, plan: Plan, applied: Mapping[str, int | None]
) -> Verification:
    """Read back the changes of ``plan`` whose keys (``apply.ids.change_key``) are in
    ``applied`` (key -> the live id they got) and compare each with what was sent."""
    keys = {normal_key(key) for key in applied}
    changes = [change for change in plan.changes if change_key(change) in keys]
    live = LiveState(_referenced(plan), Directory())
    written = _specs(changes)
    await _read_kinds(client, live, written)
    await _read_details(client, live, changes)
    found = _compare_all(changes, live)
    recorded = [kind.spec for kind in live.kinds.values() if kind.spec not in written]
    if found and recorded:
        # Something was not kept: list the kinds the plan only recorded ids of, so
        # the report names what Halo holds instead of a bare id.
        await _read_kinds(client, live, recorded)
        found = _compare_all(changes, live)
    return Verification(checked=len(changes), not_kept=tuple(found))


async def _read_kinds(client: Reader, live: LiveState, specs: Iterable[KindSpec]) -> None:
    for kind in await asyncio.gather(*(read_kind(client, spec) for spec in specs)):
        live.kinds[kind.spec.kind] = kind


def _compare_all(changes: Iterable[Change], live: LiveState) -> list[NotKept]:
    # An empty repo: the names references show come from the rows at hand.
    index = tenant_index(Repo(root=Path()), live, {})
    found: list[NotKept] = []
    for change in changes:
        found.extend(_compare(change, live.kinds[change.kind], index))
    return found


def _specs(changes: Iterable[Change]) -> list[KindSpec]:
    """The kinds written: they are read back."""
    kinds = {change.kind for change in changes}
    return [spec for kind in sorted(kinds) if (spec := by_kind(kind)) is not None]


def _referenced(plan: Plan) -> dict[str, LiveKind]:
    """Rows for what the changes refer to and did not change, as the plan recorded them."""
    rows: dict[str, list[Record]] = {}
    for ref in plan.referenced:
        rows.setdefault(ref.kind, []).append(
            {"id": ref.live_id, "guid": ref.guid, "name": ref.name}
        )
    return {
        kind: LiveKind(spec, found)
        for kind, found in rows.items()
        if (spec := by_kind(kind)) is not None
    }


def _sent(change: Change) -> dict[str, Any]:
    """Everything the apply set: the first pass's payload and the deferred fields."""
    return {**(change.payload or {}), **(change.deferred or {})}


async def _read_details(client: Reader, live: LiveState, changes: Iterable[Change]) -> None:
    """The planner's detail policy: a record is read in full (or from a child list)
    only where its list row lacks a detail field that was sent."""
    sent = {
        (change.kind, canonical_guid(change.guid)): frozenset(_sent(change))
        for change in changes
        if change.action is not Action.DELETE
    }

    def wanted(spec: KindSpec, row: Record) -> frozenset[str]:
        return sent.get((spec.kind, canonical_guid(row.get("guid"))), frozenset())

    await read_needed_details(client, live, wanted)


def _compare(change: Change, live: LiveKind, index: TenantIndex) -> list[NotKept]:
    record = live.by_guid(change.guid)
    if change.action is Action.DELETE:
        return [] if record is None else [_not_kept(change, "", whole="still there")]
    if record is None:
        return [_not_kept(change, "", whole="missing")]
    spec = live.spec
    desired = to_portable(spec, _sent(change), index, keep_empty=True)
    desired.pop("guid", None)
    held = to_portable(spec, record, index)
    return [
        _not_kept(change, field.path, sent=field.after, kept=field.before)
        for field in diff(spec, desired, held)
    ]


def _not_kept(change: Change, path: str, **found: Any) -> NotKept:
    return NotKept(kind=change.kind, guid=change.guid, name=change.name, path=path, **found)
