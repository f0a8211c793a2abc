"""One apply's work, in order: saves level by level, the second pass, the updates that
break reference cycles among deletes, the deletes (what a deleted record still refers
to goes after it; one whose user was not deleted is not attempted).

The state a run gathers lives here and nowhere else: the ids learned so far, the
kinds listed to resolve references, and the outcomes (in the journal). The plan is
only read.

The second pass sets what the first had to leave out: the fields the planner
deferred to break a reference cycle, and, in a create, the fields that refer to the
resource itself (it has no id to refer to until it exists). Before sending them the
record is read back in full, so that the update carries the ids Halo gave its
children (steps, stages...): an update that left them out could duplicate them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from haloform.apply.batch import BatchSender, Item, Settle
from haloform.apply.events import EventKind
from haloform.apply.guards import ApplyOptions, Levels
from haloform.apply.ids import IdMap, change_key, normal_key
from haloform.apply.journal import Journal, Outcome
from haloform.apply.readback import STOPPING
from haloform.apply.report import Status
from haloform.common.ids import canonical_guid
from haloform.errors import HaloError, NotFoundError
from haloform.fetch.reader import managed_rows
from haloform.halo import HaloClient
from haloform.kinds import KindSpec
from haloform.plan.model import Action, Change, Plan, spec_of
from haloform.plan.payload import update_payload
from haloform.resolve.edges import payload_edges, without_refs

_WHY = {
    Status.FAILED: "failed",
    Status.UNKNOWN: "has an unknown outcome",
    Status.SKIPPED: "was not attempted",
}


def _dropped(change: Change) -> str:
    """The references a detaching update drops, as the plan lists them."""
    return ", ".join(field.path for field in change.fields) or "references"


class Run:
    """The state of one apply: ids learned, kinds listed, fields held back."""

    def __init__(
        self,
        plan: Plan,
        client: HaloClient,
        options: ApplyOptions,
        environ: Mapping[str, str],
        journal: Journal,
    ) -> None:
        self.plan, self.client, self.options = plan, client, options
        self.environ, self.journal = environ, journal
        self.ids = IdMap.from_plan(plan)
        self.changes = {change_key(change): change for change in plan.changes}
        self.listed: dict[str, str | None] = {}
        """Kinds listed to resolve references: None, or why the list failed."""
        self.held: dict[str, dict[str, Any]] = {}
        """Fields of creates that refer to the resource itself, by key."""
        self.senders: dict[str, BatchSender] = {}
        self.second_settled: set[str] = set()
        """Keys whose second pass ran (set or failed): the rest still owe one."""
        self.detached: set[str] = set()
        """Deletes whose references were dropped by an update first (a cycle)."""
        self.users: dict[str, list[Change]] = {}
        """Deletes by the key of each record their live record refers to."""
        for change in plan.changes:
            if change.action is Action.DELETE:
                for key in change.depends_on:
                    self.users.setdefault(normal_key(key), []).append(change)

    async def execute(self, levels: Levels) -> None:
        for level in levels:
            await self._save([c for c in level if c.action is not Action.DELETE])
        await self._second_pass()
        await self._detach([c for level in levels for c in level if c.action is Action.DELETE])
        for level in levels:
            for change in level:
                settled = self.journal.status(change_key(change)) is not None
                if change.action is Action.DELETE and not settled:
                    self.journal.record(change, await self._delete_unless_used(change))

    async def _detach(self, deletes: Sequence[Change]) -> None:
        """Before any delete, the updates that break reference cycles among them: each
        drops one record's references to others being deleted (``Change.payload``)."""
        items = [
            Item(change, self.ids.substitute(change.payload))
            for change in deletes
            if change.payload and change.live_id is not None
        ]
        await self._send(items, self._settle_detach)

    def _settle_detach(self, item: Item, outcome: Outcome) -> None:
        change, fields = item.change, _dropped(item.change)
        if outcome.status is Status.APPLIED:
            self.detached.add(item.key)
            self.journal.note(EventKind.RECOVERY, f"dropped {fields} of {change.name!r}")
            return
        status = Status.UNKNOWN if outcome.status is Status.UNKNOWN else Status.FAILED
        why = outcome.message or "Halo refused it"
        message = f"not deleted: the update dropping its {fields} first failed: {why}"
        self.journal.record(change, Outcome(status, change.live_id, message))

    async def _delete_unless_used(self, change: Change) -> Outcome:
        """Skip a delete while a record being deleted that refers to it was not: Halo
        refuses to delete what is still in use."""
        for other in self.users.get(change_key(change), []):
            status = self.journal.status(change_key(other))
            if status is not None and status is not Status.APPLIED:
                why = f"{other.kind} {other.name!r}, which refers to it, {_WHY[status]}"
                return Outcome(Status.SKIPPED, message=f"not attempted: {why}")
        outcome = await self._delete(change)
        if outcome.status is Status.APPLIED and change_key(change) in self.detached:
            note = f"after an update dropped its {_dropped(change)}"
            message = f"{note}; {outcome.message}" if outcome.message else note
            return Outcome(Status.APPLIED, outcome.live_id, message)
        return outcome

    async def _save(self, changes: Sequence[Change]) -> None:
        """Creates and updates of one level, one POST per kind (per batch)."""
        ready = [c for c in changes if not self._skipped(c) and not self._shadowed(c)]
        await self._resolve(change.payload for change in ready)
        items = [item for change in ready if (item := self._item(change)) is not None]
        await self._send(items, self._settle)

    def _skipped(self, change: Change) -> bool:
        """Record ``change`` as skipped if something it needs was not applied."""
        blocker = self._blocker(change, payload_edges(change.payload))
        if blocker is not None:
            self.journal.record(change, Outcome(Status.SKIPPED, message=blocker))
        return blocker is not None

    def _shadowed(self, change: Change) -> bool:
        """Record a create as failed, unsent, when the tenant already holds a record of
        its kind and name that no file describes: the copy an earlier apply left behind
        when the tenant replaced its guid, or someone's own. Another would be a second."""
        if change.action is not Action.CREATE:
            return False
        name = change.name.casefold()
        twin = next(
            (u for u in self.plan.unmanaged if u.kind == change.kind and u.name.casefold() == name),
            None,
        )
        if twin is None:
            return False
        why = (
            f"not sent: the tenant already holds {change.kind} {twin.name!r}, which no file "
            f"describes (guid {twin.guid}, id {twin.live_id}), and creating this one would make "
            "a second. If an earlier apply left it because the tenant replaced the guid, "
            f"adopt its guid (write {twin.guid} into {change.source or 'its file'}); otherwise "
            "rename or delete one of the two"
        )
        self.journal.record(change, Outcome(Status.FAILED, twin.live_id, why))
        return True

    def _blocker(self, change: Change, refs: Iterable[str]) -> str | None:
        """Why ``change`` cannot go: a change it depends on or refers to was dealt with
        and not applied. One not dealt with yet does not block: a cycle's other half."""
        needed = {normal_key(key) for key in change.depends_on} | set(refs)
        needed.discard(change_key(change))
        for key in sorted(needed):
            other, status = self.changes.get(key), self.journal.status(key)
            if other is not None and status is not None and status is not Status.APPLIED:
                return f"depends on {other.kind} {other.name!r} which {_WHY[status]}"
        return None

    async def _resolve(self, values: Iterable[Any]) -> None:
        """Learn the ids of referenced resources outside the plan: each kind listed
        once per apply, and only when a reference needs it."""
        missing = set().union(*(self.ids.missing(value) for value in values))
        for kind in sorted({key.partition("/")[0] for key in missing} - self.listed.keys()):
            spec = spec_of(kind)
            try:
                self.ids.learn(kind, await managed_rows(self.client, spec))
            except STOPPING:
                raise
            except HaloError as error:
                self.listed[kind] = f"reading {spec.api_path} failed: {error}"
            else:
                self.listed[kind] = None

    def _item(self, change: Change) -> Item | None:
        """The record to POST for a create or update, or None after recording why not."""
        payload = self._first_pass_fields(change)
        why = None
        if payload is None:
            why = "the plan holds no payload for it"
        elif change.action is Action.UPDATE and change.live_id is None:
            why = "the plan holds no live id for this update"
        elif missing := self.ids.missing(payload):
            why = self._unresolved(min(missing))
        if why is not None or payload is None:
            self.journal.record(change, Outcome(Status.FAILED, message=why))
            return None
        body: dict[str, Any] = self.ids.substitute(payload)
        body.pop("id", None)
        body["guid"] = change.guid
        if change.action is Action.UPDATE:
            body["id"] = change.live_id
        return Item(change, body)

    def _first_pass_fields(self, change: Change) -> Mapping[str, Any] | None:
        """A create's payload without its references to itself: only those are left
        out (a step keeps everything but its ``new_flow_id``), and the top-level fields
        holding them are held back whole for the second pass."""
        payload, own = change.payload, change_key(change)
        if payload is None or change.action is not Action.CREATE:
            return payload
        held = {name: value for name, value in payload.items() if own in payload_edges(value)}
        if held:
            self.held[own] = held
        return {**payload, **without_refs(held, frozenset({own}))}

    def _unresolved(self, key: str) -> str:
        other = self.changes.get(key)
        if other is not None:
            return (
                f"it refers to {other.kind} {other.name!r}, which has no id yet: the plan "
                "does not apply it first (a missing dependency or deferred field)"
            )
        failed = self.listed.get(key.partition("/")[0])
        return f"it refers to {key}, which is neither in this plan nor in the tenant" + (
            f" ({failed})" if failed else ""
        )

    async def _send(self, items: Sequence[Item], settle: Settle) -> None:
        by_kind: dict[str, list[Item]] = {}
        for item in items:
            by_kind.setdefault(item.change.kind, []).append(item)
        size = self.options.batch_size
        for kind, group in by_kind.items():
            sender = self._sender(spec_of(kind))
            for start in range(0, len(group), size):
                await sender.save(group[start : start + size], settle)

    def _sender(self, spec: KindSpec) -> BatchSender:
        if spec.kind not in self.senders:
            plan = self.plan
            known = {canonical_guid(c.guid) for c in plan.changes if c.kind == spec.kind}
            known |= {
                canonical_guid(u.guid) for u in plan.unmanaged if u.kind == spec.kind and u.guid
            }
            self.senders[spec.kind] = BatchSender(
                self.client,
                spec,
                environ=self.environ,
                redact=self.journal.redact,
                known_guids=frozenset(known),
                note=self.journal.note,
                announce=self.journal.sending,
            )
        return self.senders[spec.kind]

    def _settle(self, item: Item, outcome: Outcome) -> None:
        self.journal.record(item.change, outcome)
        if outcome.status is Status.APPLIED and outcome.live_id is not None:
            self.ids.add(item.key, outcome.live_id)

    def _second_pass_fields(self, change: Change) -> dict[str, Any]:
        """Deferred fields win: a field held back for a self-reference was taken from
        the payload after the planner stripped the cycle's references from it, while
        the deferred value is whole (both kinds of reference)."""
        return {**self.held.get(change_key(change), {}), **(change.deferred or {})}

    async def _second_pass(self) -> None:
        """Set the fields the first pass left out, now that what they refer to exists."""
        todo = [
            change
            for change in self.plan.changes
            if self._second_pass_fields(change)
            and self.journal.status(change_key(change)) is Status.APPLIED
        ]
        ready = [change for change in todo if not self._half_blocked(change)]
        await self._resolve(self._second_pass_fields(change) for change in ready)
        items = [item for change in ready if (item := await self._second_item(change))]
        await self._send(items, self._settle_second)

    def _half_blocked(self, change: Change) -> bool:
        blocker = self._blocker(change, payload_edges(self._second_pass_fields(change)))
        if blocker is not None:
            self._half_done(change, Status.FAILED, blocker)
        return blocker is not None

    async def _second_item(self, change: Change) -> Item | None:
        """The update that sets the held-back fields, with the ids of the record's
        children as Halo holds them now (read back in full)."""
        fields = self._second_pass_fields(change)
        if missing := self.ids.missing(fields):
            self._half_done(change, Status.FAILED, self._unresolved(min(missing)))
            return None
        spec = spec_of(change.kind)
        path = f"{spec.api_path}/{self.ids.get(change_key(change))}"
        try:
            live = await self.client.get_object(path, dict(spec.detail_params))
        except STOPPING:
            raise
        except HaloError as error:
            self._half_done(change, Status.FAILED, f"reading it back failed: {error}")
            return None
        body = {"guid": change.guid, **self.ids.substitute(fields)}
        return Item(change, update_payload(spec, body, live))

    def _settle_second(self, item: Item, outcome: Outcome) -> None:
        fields = ", ".join(sorted(self._second_pass_fields(item.change)))
        self.second_settled.add(change_key(item.change))
        if outcome.status is Status.APPLIED:
            self.journal.confirm(item.change, f"set {fields} of {item.change.name!r}")
            return
        status = Status.UNKNOWN if outcome.status is Status.UNKNOWN else Status.FAILED
        self._half_done(item.change, status, outcome.message or "Halo refused them")

    def abandon_second_pass(self, why: str) -> None:
        """The run stopped: a change saved in the first pass whose held-back fields
        were never sent is not applied as planned, and its report must say so."""
        for change in self.plan.changes:
            key = change_key(change)
            owed = self._second_pass_fields(change) and key not in self.second_settled
            if owed and self.journal.status(key) is Status.APPLIED:
                self._half_done(change, Status.FAILED, f"the apply stopped first ({why})")

    def _half_done(self, change: Change, status: Status, why: str) -> None:
        """A change saved without some of its fields: not what the plan said."""
        self.second_settled.add(change_key(change))
        fields = ", ".join(sorted(self._second_pass_fields(change)))
        live_id = self.ids.get(change_key(change))
        message = f"saved without {fields}, which the second pass could not set: {why}"
        self.journal.record(change, Outcome(status, live_id, message))

    async def _delete(self, change: Change) -> Outcome:
        """DELETE one record; a 404 counts as deleted (a retry after a lost answer
        meets one when the first attempt did delete it)."""
        if change.live_id is None:
            return Outcome(Status.FAILED, message="the plan holds no live id to delete")
        spec = spec_of(change.kind)
        what = f"{change.kind} {change.name!r}"
        path = f"{spec.api_path}/{change.live_id}"
        self.journal.sending("DELETE", path, [change], f"DELETE {path} ({what})")
        try:
            await self.client.delete(spec.api_path, change.live_id)
        except NotFoundError:
            return Outcome(Status.APPLIED, change.live_id, "it was already gone (404)")
        except STOPPING:
            raise
        except HaloError as error:
            return Outcome(Status.FAILED, change.live_id, str(error))
        return Outcome(Status.APPLIED, change.live_id)
