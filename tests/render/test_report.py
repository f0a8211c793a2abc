"""The apply report as text: one line per resource, a mark a reader can scan, the summary."""

from __future__ import annotations

from haloform.apply import ApplyReport, ResourceResult, Status
from haloform.plan.model import Action
from haloform.render.report import render_report


def _result(
    status: Status, action: Action, name: str, message: str | None = None
) -> ResourceResult:
    return ResourceResult(
        action=action,
        kind="TicketRule",
        guid=f"g-{name}",
        name=name,
        status=status,
        message=message,
        live_id=7 if status is Status.APPLIED else None,
    )


def test_every_outcome_has_its_line_and_the_summary_counts_them() -> None:
    report = ApplyReport(
        environment="local",
        tenant="embedded:local",
        plan_digest="d",
        requests=5,
        results=(
            _result(Status.APPLIED, Action.CREATE, "A"),
            _result(Status.FAILED, Action.UPDATE, "B", "[0].new_agent_id: no such agent"),
            _result(Status.SKIPPED, Action.CREATE, "C", "depends on TicketRule 'B' which failed"),
        ),
    )
    assert render_report(report).splitlines() == [
        "ok      created TicketRule 'A' (id 7)",
        "FAILED  failed: update TicketRule 'B': [0].new_agent_id: no such agent",
        "--      skipped create of TicketRule 'C': depends on TicketRule 'B' which failed",
        "Apply: 1 created, 0 updated, 0 deleted; 1 failed, 1 not attempted.",
        "(5 requests to embedded:local)",
    ]


def test_a_stopped_apply_says_why() -> None:
    report = ApplyReport(
        environment="local", tenant="t", plan_digest="d", stopped="the tenant refused the token"
    )
    assert "Stopped: the tenant refused the token" in render_report(report)
