"""An apply's report as text: every resource's outcome, then the summary line; and the
same for a journal read back, which may end in the middle of a run.

Pure like the plan renderers: the CLI decides where it goes and the exit code.
"""

from __future__ import annotations

from haloform.apply.journal_file import Entry, JournalState, Progress, Stopped
from haloform.apply.report import ApplyReport, Status
from haloform.apply.verify import NotKept, Verification
from haloform.common.text import visible
from haloform.render.values import brief

_MARK = {
    Status.APPLIED: "ok",
    Status.FAILED: "FAILED",
    Status.UNKNOWN: "UNKNOWN",
    Status.SKIPPED: "--",
}
"""A column a reader scans for what went wrong; a skipped line says "skipped" itself."""
_IN_FLIGHT = (
    "the run ended between recording this request and Halo's answer, so it may or may "
    "not have been sent: plan again to see"
)
"""The journal records a write before sending it (so no write goes unrecorded): an
entry without an answer cannot tell a request that left from one that never did."""


def render_report(report: ApplyReport) -> str:
    """``ok      created Workflow 'Incident' (id 12)`` per resource, then the summary."""
    lines = [f"{_MARK[result.status]:<8}{result.describe()}" for result in report.results]
    if report.stopped:
        lines.append(f"Stopped: {report.stopped}")
    lines.append(report.summary())
    lines.append(f"({report.requests} requests to {report.tenant})")
    if report.verification is not None:
        lines.extend(render_verification(report.verification))
    return visible("\n".join(lines), keep="\n") + "\n"


def render_verification(verification: Verification) -> list[str]:
    """One line when Halo kept everything (or the check was skipped); otherwise a
    line per thing it did not keep, then the verdict."""
    if verification.skipped:
        return ["Not verified (--no-verify): what Halo kept was not read back."]
    if verification.error is not None:
        return [f"Not verified: reading back what was written failed: {verification.error}"]
    reads = f"{verification.requests} requests"
    if verification.ok:
        return [f"Verified: Halo kept all {verification.checked} changes ({reads})."]
    lines = [f"NOT KEPT {not_kept_line(item)}" for item in verification.not_kept]
    resources = len({(item.kind, item.guid) for item in verification.not_kept})
    lines.append(
        f"Verification: Halo did not keep {len(verification.not_kept)} of what was sent, "
        f"on {resources} of {verification.checked} resources ({reads}): "
        "the apply did not converge."
    )
    return lines


def not_kept_line(item: NotKept) -> str:
    """``Halo did not keep stopmatching on TicketRule 'P1' (sent true, holds false)``."""
    what = f"{item.kind} {item.name!r}"
    if item.whole == "missing":
        return f"Halo does not hold {what}: its guid is not in the list after the write"
    if item.whole is not None:
        return f"Halo still holds {what}, which the apply deleted"
    if item.survived:
        return (
            f"Halo kept {item.path} ({brief(item.kept)}) on {what}, which the apply removed: "
            f"remove it by hand in Halo (open {what} and delete it), then plan again"
        )
    return (
        f"Halo did not keep {item.path} on {what} "
        f"(sent {brief(item.sent)}, Halo holds {brief(item.kept)})"
    )


def render_journal(state: JournalState, *, title: bool = True) -> str:
    """A journaled run in the apply report's terms: a line per resource (those in
    flight and not started included), then its summary or, cut short, what ran."""
    lines = [journal_title(state)] if title else []
    lines += [_entry_line(entry) for entry in state.entries]
    last = state.last
    if isinstance(last, Stopped):
        lines.append(f"Stopped: {last.reason}")
    elif last is None:
        how = "killed mid-line" if state.truncated else "killed, or its machine stopped"
        lines.append(f"Cut off: the run ended without recording how ({how})")
    if state.interrupted:
        lines.append(f"interrupted: {progress_counts(state)}.")
    elif last is not None:
        lines.append(last.summary)
    return visible("\n".join(lines), keep="\n") + "\n"


def journal_title(state: JournalState) -> str:
    header = state.header
    return (
        f"Apply to {header.environment} ({header.tenant}) started {_started(state)}, "
        f"plan {header.plan_digest[:12]}:"
    )


def interrupted_warning(state: JournalState) -> str:
    """One line for ``plan``: the environment's last apply did not finish."""
    return (
        f"Warning: {_last_apply(state)} was interrupted: {progress_counts(state)}; "
        "'haloform apply --resume' shows what it did and finishes the job."
    )


def how_it_ended(state: JournalState) -> str:
    """``the last apply to prod (started ...) ran to its end``, or why it sent nothing."""
    if state.finished:
        return f"{_last_apply(state)} ran to its end"
    if state.interrupted:
        return f"{_last_apply(state)} was interrupted: {progress_counts(state)}"
    return f"{_last_apply(state)} sent nothing ({state.stopped or 'it was cut off'})"


def _last_apply(state: JournalState) -> str:
    return f"the last apply to {state.header.environment} (started {_started(state)})"


def _started(state: JournalState) -> str:
    return state.header.started.strftime("%Y-%m-%d %H:%M:%S UTC")


def progress_counts(state: JournalState) -> str:
    """``2 applied, 1 in flight (outcome unknown), 3 not started``; failures and skips
    only when there are some."""
    failed = state.count(Progress.FAILED) + state.count(Progress.UNKNOWN)
    parts = [f"{state.count(Progress.APPLIED)} applied"]
    if failed:
        parts.append(f"{failed} failed")
    if skipped := state.count(Progress.SKIPPED):
        parts.append(f"{skipped} skipped")
    parts.append(f"{state.count(Progress.IN_FLIGHT)} in flight (outcome unknown)")
    parts.append(f"{state.count(Progress.NOT_STARTED)} not started")
    return ", ".join(parts)


def _entry_line(entry: Entry) -> str:
    change = entry.change
    what = f"{change.action.value} {change.kind} {change.name!r}"
    if entry.progress is Progress.IN_FLIGHT:
        return f"{'UNKNOWN':<8}in flight: {what}: {_IN_FLIGHT}"
    if entry.result is None:
        return f"{'--':<8}not started: {what}"
    return f"{_MARK[entry.result.status]:<8}{entry.result.describe()}"
