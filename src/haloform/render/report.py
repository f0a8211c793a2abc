"""An apply's report as text: every resource's outcome, then the summary line.

Pure like the plan renderers: the CLI decides where it goes and the exit code.
"""

from __future__ import annotations

from haloform.apply.report import ApplyReport, Status

_MARK = {
    Status.APPLIED: "ok",
    Status.FAILED: "FAILED",
    Status.UNKNOWN: "UNKNOWN",
    Status.SKIPPED: "--",
}
"""A column a reader scans for what went wrong; a skipped line says "skipped" itself."""


def render_report(report: ApplyReport) -> str:
    """``ok      created Workflow 'Incident' (id 12)`` per resource, then the summary."""
    lines = [f"{_MARK[result.status]:<8}{result.describe()}" for result in report.results]
    if report.stopped:
        lines.append(f"Stopped: {report.stopped}")
    lines.append(report.summary())
    lines.append(f"({report.requests} requests to {report.tenant})")
    return "\n".join(lines) + "\n"
