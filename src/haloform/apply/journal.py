"""The one mutable piece of an apply: the outcomes gathered so far.

Every outcome and every progress message passes through the journal, which scrubs
the secrets the apply filled in before anything is kept or shown, and freezes what it
gathered into an ``ApplyReport`` at the end (or when the apply stops early).
"""

from __future__ import annotations

from dataclasses import dataclass

from haloform.apply.events import ApplyEvent, EventHook, EventKind
from haloform.apply.ids import change_key
from haloform.apply.report import ApplyReport, ResourceResult, Status
from haloform.halo.failures import Redactor
from haloform.plan.model import Change, Plan


@dataclass(frozen=True)
class Outcome:
    """What became of one record sent (or not sent) to Halo."""

    status: Status
    live_id: int | None = None
    message: str | None = None


class Journal:
    def __init__(self, plan: Plan, redact: Redactor, on_event: EventHook | None = None) -> None:
        self.plan = plan
        self.redact = redact
        """Knows every secret filled in so far; shared with whoever fills them."""
        self._on_event = on_event
        self._results: dict[str, ResourceResult] = {}

    def record(self, change: Change, outcome: Outcome) -> ResourceResult:
        """Keep ``change``'s outcome (replacing an earlier one) and announce it."""
        message = self.redact(outcome.message) if outcome.message else None
        result = ResourceResult.of(change, outcome.status, message, outcome.live_id)
        self._results[change_key(change)] = result
        self._emit(ApplyEvent(EventKind.RESULT, result.describe(), result))
        return result

    def note(self, kind: EventKind, message: str) -> None:
        self._emit(ApplyEvent(kind, self.redact(message)))

    def result(self, key: str) -> ResourceResult | None:
        return self._results.get(key)

    def status(self, key: str) -> Status | None:
        """None while the change has not been dealt with."""
        result = self._results.get(key)
        return result.status if result else None

    def report(
        self,
        *,
        requests: int,
        stopped: str | None = None,
        unattempted: str = "not attempted",
    ) -> ApplyReport:
        """The outcomes in the plan's order; a change without one is reported skipped
        with ``unattempted`` as the reason."""
        results = tuple(
            self._results.get(change_key(change))
            or ResourceResult.of(change, Status.SKIPPED, self.redact(unattempted))
            for change in self.plan.changes
        )
        return ApplyReport(
            environment=self.plan.environment,
            tenant=self.plan.tenant,
            plan_digest=self.plan.digest,
            results=results,
            requests=requests,
            stopped=self.redact(stopped) if stopped else None,
        )

    def _emit(self, event: ApplyEvent) -> None:
        if self._on_event is not None:
            self._on_event(event)
