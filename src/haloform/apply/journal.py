"""The one mutable piece of an apply: the outcomes gathered so far, and their record.

Every outcome, every write about to be sent and every progress message passes
through the journal, which scrubs the secrets the apply filled in before anything is
kept, shown or written, and freezes what it gathered into an ``ApplyReport`` at the
end (or when the apply stops early).

A ``JournalSink`` keeps the same record outside the process as it happens
(``haloform.apply.journal_file`` writes it to a file), so that an apply cut short by a
crash, a Ctrl-C or a killed CI job still says what it sent and what came back. The
rule it holds: nothing is sent unless its ``sending`` line is safely stored first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from haloform.apply.events import ApplyEvent, EventHook, EventKind
from haloform.apply.ids import change_key
from haloform.apply.report import ApplyReport, ResourceResult, Status
from haloform.halo.failures import Redactor
from haloform.plan.model import Change, Plan

INTERRUPTED = "interrupted"
"""Why an apply stopped when its task was cancelled (Ctrl-C, a cancelled job)."""


@dataclass(frozen=True)
class Outcome:
    """What became of one record sent (or not sent) to Halo."""

    status: Status
    live_id: int | None = None
    message: str | None = None


class JournalSink(Protocol):
    """Where a journal's record goes as it happens. Everything handed to a sink is
    already scrubbed and holds names, keys and ids only, never a payload.

    ``begin`` and ``sending`` must have stored their line durably when they return:
    the request a ``sending`` line announces goes out right after it. A sink raises
    ``OSError`` when it cannot store a line.
    """

    def begin(self, plan: Plan) -> None: ...

    def sending(self, method: str, path: str, changes: Sequence[Change]) -> None: ...

    def outcome(self, result: ResourceResult) -> None: ...

    def note(self, message: str) -> None: ...

    def finish(self, report: ApplyReport) -> None:
        """The last line: the report's summary, or why the apply stopped."""


class JournalWriteError(Exception):
    """The sink could not store a line, so nothing more may be sent."""


class Journal:
    def __init__(
        self,
        plan: Plan,
        redact: Redactor,
        on_event: EventHook | None = None,
        sink: JournalSink | None = None,
    ) -> None:
        self.plan = plan
        self.redact = redact
        """Knows every secret filled in so far; shared with whoever fills them."""
        self._on_event = on_event
        self._sink = sink
        self._results: dict[str, ResourceResult] = {}
        self.write_error: str | None = None
        """Why the sink failed, if it did; it is not written to again after that."""

    def begin(self) -> None:
        """Start the sink's record; raises ``JournalWriteError`` if it cannot be."""
        plan = self.plan
        self._write(lambda sink: sink.begin(plan))
        self._check()

    def sending(self, method: str, path: str, changes: Sequence[Change], message: str) -> None:
        """Announce a write about to go out; raises ``JournalWriteError`` rather than
        let it go out unrecorded."""
        self._check()
        self._write(lambda sink: sink.sending(method, path, changes))
        self._check()
        self._emit(ApplyEvent(EventKind.REQUEST, self.redact(message)))

    def record(self, change: Change, outcome: Outcome) -> ResourceResult:
        """Keep ``change``'s outcome (replacing an earlier one) and announce it."""
        message = self.redact(outcome.message) if outcome.message else None
        result = ResourceResult.of(change, outcome.status, message, outcome.live_id)
        self._results[change_key(change)] = result
        self._write(lambda sink: sink.outcome(result))
        self._emit(ApplyEvent(EventKind.RESULT, result.describe(), result))
        return result

    def confirm(self, change: Change, message: str) -> None:
        """A later write for ``change`` (a second pass) went through: its outcome
        stands as recorded, and the sink hears so, which settles that write."""
        result = self._results.get(change_key(change))
        if result is not None:
            self._write(lambda sink: sink.outcome(result))
        self.note(EventKind.RECOVERY, message)

    def note(self, kind: EventKind, message: str) -> None:
        text = self.redact(message)
        self._write(lambda sink: sink.note(text))
        self._emit(ApplyEvent(kind, text))

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

    def finish(
        self,
        *,
        requests: int,
        stopped: str | None = None,
        unattempted: str = "not attempted",
    ) -> ApplyReport:
        """The report (see ``report``), its summary or reason written as the sink's
        last line. Never raises for the sink: this runs while an apply unwinds, and
        a record left without its last line still reads as cut off, which is true."""
        report = self.report(requests=requests, stopped=stopped, unattempted=unattempted)
        self._write(lambda sink: sink.finish(report))
        self._sink = None
        return report

    def _write(self, line: Callable[[JournalSink], None]) -> None:
        if self._sink is None:
            return
        try:
            line(self._sink)
        except OSError as error:
            self._sink = None
            self.write_error = self.redact(f"could not write the apply's journal: {error}")

    def _check(self) -> None:
        if self.write_error is not None:
            raise JournalWriteError(
                f"{self.write_error}; the apply stopped rather than send a write it "
                "could not record"
            )

    def _emit(self, event: ApplyEvent) -> None:
        if self._on_event is not None:
            self._on_event(event)


def record_nothing_to_do(plan: Plan, sink: JournalSink) -> None:
    """Journal an apply whose plan has no changes: it sends nothing, but leaving its
    record means an environment's latest journal always tells how its last apply
    ended (after a resume that found nothing left to do, too). Raises
    ``JournalWriteError`` when the sink cannot store it."""
    journal = Journal(plan, Redactor(), sink=sink)
    journal.begin()
    journal.finish(requests=0)
    if journal.write_error is not None:
        raise JournalWriteError(journal.write_error)
