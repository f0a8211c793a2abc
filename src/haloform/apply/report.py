"""What an apply did, resource by resource: the value the CLI renders and exits on.

A report is built from names, guids, ids and messages only, never from a payload, so
it cannot hold a secret; messages are scrubbed of every secret the apply filled in,
in case Halo echoed one back in an error.
"""

from __future__ import annotations

from enum import StrEnum

from haloform.apply.verify import Verification
from haloform.common.frozen import FrozenValue
from haloform.plan.model import Action, Change, resource_key


class Status(StrEnum):
    APPLIED = "applied"
    FAILED = "failed"
    UNKNOWN = "unknown"
    """Sent, but whether Halo saved it could not be found out: plan again to see."""
    SKIPPED = "skipped"
    """Not attempted: a dependency failed, or the apply was refused or stopped."""


_PAST = {Action.CREATE: "created", Action.UPDATE: "updated", Action.DELETE: "deleted"}


class ResourceResult(FrozenValue):
    """The outcome of one change of the plan."""

    action: Action
    kind: str
    guid: str
    name: str
    status: Status
    message: str | None = None
    """Why it failed or was skipped; for an applied change, how it was confirmed when
    that took more than Halo's answer (a re-read after a lost answer, a 404 on delete)."""
    live_id: int | None = None
    """The record's id in the tenant: the one created, updated or deleted; for a
    failure, the record it left behind, if any (a create whose guid Halo replaced)."""
    source: str | None = None
    """``file:line`` of the document, as in the plan."""

    @classmethod
    def of(
        cls, change: Change, status: Status, message: str | None = None, live_id: int | None = None
    ) -> ResourceResult:
        return cls(
            action=change.action,
            kind=change.kind,
            guid=change.guid,
            name=change.name,
            status=status,
            message=message,
            live_id=live_id,
            source=change.source,
        )

    @property
    def key(self) -> str:
        return resource_key(self.kind, self.guid)

    def describe(self) -> str:
        """One line for a terminal or a log: what happened to which resource."""
        what = f"{self.kind} {self.name!r}"
        if self.status is Status.APPLIED:
            where = f" (id {self.live_id})" if self.live_id is not None else ""
            note = f": {self.message}" if self.message else ""
            return f"{_PAST[self.action]} {what}{where}{note}"
        verb = {Status.FAILED: "failed", Status.UNKNOWN: "outcome unknown"}.get(self.status)
        if verb is None:
            return f"skipped {self.action.value} of {what}: {self.message}"
        return f"{verb}: {self.action.value} {what}: {self.message}"


class ApplyReport(FrozenValue):
    """Everything a run did to one tenant, in the plan's order."""

    environment: str
    tenant: str
    plan_digest: str
    """Which plan was applied."""
    results: tuple[ResourceResult, ...] = ()
    requests: int = 0
    """Requests sent to the tenant by this apply, retries and token requests included."""
    stopped: str | None = None
    """Why the apply was refused or stopped before the end; None when it ran through."""
    verification: Verification | None = None
    """The read-back after the writes (``haloform.apply.verify``); None when none was
    asked for (``ApplyOptions.verify``) or the run did not get that far."""

    def count(self, status: Status, action: Action | None = None) -> int:
        return sum(
            1
            for result in self.results
            if result.status is status and (action is None or result.action is action)
        )

    @property
    def ok(self) -> bool:
        """Every change applied, the run was neither refused nor stopped, and Halo kept
        what it was sent (when verified): the tenant converged on the plan."""
        applied = all(r.status is Status.APPLIED for r in self.results)
        verified = self.verification is None or self.verification.ok
        return self.stopped is None and applied and verified

    def applied_ids(self) -> dict[str, int | None]:
        """Key -> live id of every change applied: what a read-back checks."""
        return {r.key: r.live_id for r in self.results if r.status is Status.APPLIED}

    def summary(self) -> str:
        """``Apply: 3 created, 1 updated, 0 deleted; 1 failed, 2 not attempted.``"""
        done = ", ".join(
            f"{self.count(Status.APPLIED, action)} {_PAST[action]}" for action in Action
        )
        unknown = self.count(Status.UNKNOWN)
        failed = f"{self.count(Status.FAILED) + unknown} failed"
        if unknown:
            failed += f" ({unknown} with an unknown outcome: plan again)"
        return f"Apply: {done}; {failed}, {self.count(Status.SKIPPED)} not attempted."
