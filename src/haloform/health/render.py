"""A health report as text, Markdown (for a PR comment or an issue body) or JSON.

Pure, like every renderer: value in, string out; the CLI prints and picks the exit
code. (Here rather than in ``haloform.render`` because the report is health's own
value and render sits below health.)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from haloform.health.model import Failure, HealthReport, UnhandledEvent

FORMATS = ("text", "markdown", "json")
_EVENTS_UNTOLD = (
    "(events not checked: the records in the window do not say which rule handled them)"
)
JSON_VERSION = 1


def render_health(report: HealthReport, fmt: str) -> str:
    renderers: dict[str, Callable[[HealthReport], str]] = {
        "text": health_text,
        "markdown": health_markdown,
        "json": health_json,
    }
    return renderers[fmt](report)


def _when(stamp: datetime) -> str:
    return stamp.strftime("%Y-%m-%d %H:%M:%S UTC")


def _step(failure: Failure) -> str:
    if failure.step is None:
        return "step ?"
    return f"step {failure.step}" + (f" ({failure.step_name})" if failure.step_name else "")


def _tickets(failure: Failure) -> str:
    return ", ".join(f"#{ticket}" for ticket in failure.tickets) or "-"


def _scope(report: HealthReport) -> str:
    count = len(report.workflows)
    return (
        f"{count} managed workflow{'' if count == 1 else 's'} on {report.tenant}, "
        f"{_when(report.since)} to {_when(report.until)}"
    )


def _event(event: UnhandledEvent) -> str:
    what = f": {event.summary}" if event.summary else ""
    return f"event {event.id} at {_when(event.last_seen)}{what}"


def _verdict(report: HealthReport) -> str:
    failed = sum(failure.count for failure in report.failures)
    parts = [f"{failed} failed of {report.runs} automation runs"]
    if report.events_tell:
        parts.append(f"{len(report.unhandled_events)} events no rule handled")
    return "Health: " + ", ".join(parts) + "."


def health_text(report: HealthReport) -> str:
    lines = [f"Health of {_scope(report)}:"]
    for failure in report.failures:
        lines.append(
            f"FAILED  {failure.workflow!r} {_step(failure)}: {failure.count} failed, last "
            f"{_when(failure.last_seen)}: {failure.last_error or '(no error text)'}; "
            f"tickets {_tickets(failure)}"
        )
    for event in report.unhandled_events:
        lines.append(f"UNHANDLED {_event(event)}")
    if report.events_read and not report.events_tell:
        lines.append(
            "(events not checked: the records in the window do not say which rule handled them)"
        )
    lines.append(_verdict(report))
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def health_markdown(report: HealthReport) -> str:
    mark = ":x:" if report.failed else ":white_check_mark:"
    lines = [f"### {mark} haloform health", "", f"{_scope(report)}.", ""]
    if report.failures:
        lines += [
            "| Workflow | Step | Failed | Last seen | Last error | Tickets |",
            "|---|---|---:|---|---|---|",
        ]
        lines += [
            f"| {_cell(f.workflow)} | {_cell(_step(f))} | {f.count} | {_when(f.last_seen)} "
            f"| {_cell(f.last_error) or '-'} | {_tickets(f)} |"
            for f in report.failures
        ]
        lines.append("")
    if report.unhandled_events:
        lines += ["**Events no rule handled**", ""]
        lines += [
            f"- event {e.id} at {_when(e.last_seen)}"
            + (f": {_cell(e.summary)}" if e.summary else "")
            for e in report.unhandled_events
        ]
        lines.append("")
    lines.append(_verdict(report))
    return "\n".join(lines) + "\n"


def health_json(report: HealthReport) -> str:
    document: dict[str, Any] = {
        "version": JSON_VERSION,
        "tenant": report.tenant,
        "since": report.since.isoformat(),
        "until": report.until.isoformat(),
        "workflows": list(report.workflows),
        "runs": report.runs,
        "failures": [
            {
                "workflow": f.workflow,
                "workflow_guid": f.workflow_guid,
                "step": f.step,
                "step_name": f.step_name,
                "count": f.count,
                "last_error": f.last_error,
                "last_seen": f.last_seen.isoformat(),
                "tickets": list(f.tickets),
            }
            for f in report.failures
        ],
        "unhandled_events": [
            {
                "id": e.id,
                "last_seen": e.last_seen.isoformat(),
                "type": e.type,
                "summary": e.summary,
            }
            for e in report.unhandled_events
        ],
        "events_checked": report.events_tell,
        "requests": report.requests,
    }
    return json.dumps(document, indent=2) + "\n"
