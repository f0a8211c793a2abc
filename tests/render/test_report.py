"""The apply report as text: one line per resource, a mark a reader can scan, the summary."""

from __future__ import annotations

from haloform.apply import ApplyReport, ResourceResult, Status
from haloform.apply.verify import NotKept, Verification
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


def _verified(verification: Verification) -> list[str]:
    report = ApplyReport(
        environment="local",
        tenant="embedded:local",
        plan_digest="d",
        requests=2,
        results=(_result(Status.APPLIED, Action.UPDATE, "P1 to Network team"),),
        verification=verification,
    )
    return render_report(report).splitlines()[3:]


def test_a_clean_verification_is_one_line() -> None:
    assert _verified(Verification(checked=1, requests=2)) == [
        "Verified: Halo kept all 1 changes (2 requests)."
    ]
    assert _verified(Verification(skipped=True)) == [
        "Not verified (--no-verify): what Halo kept was not read back."
    ]


def test_what_halo_did_not_keep_is_listed_and_fails_the_report() -> None:
    found = (
        NotKept(kind="TicketRule", guid="g", name="P1", path="stopmatching", sent=True, kept=False),
        NotKept(kind="Workflow", guid="w", name="Incident", path="steps[3]", kept={"name": "X"}),
        NotKept(kind="EventRule", guid="e", name="Disk", path="", whole="still there"),
    )
    verification = Verification(checked=3, not_kept=found, requests=4)
    assert _verified(verification) == [
        "NOT KEPT Halo did not keep stopmatching on TicketRule 'P1' (sent true, Halo holds false)",
        "NOT KEPT Halo kept steps[3] ({name: \"X\"}) on Workflow 'Incident', which the apply "
        "removed: remove it by hand in Halo (open Workflow 'Incident' and delete it), then "
        "plan again",
        "NOT KEPT Halo still holds EventRule 'Disk', which the apply deleted",
        "Verification: Halo did not keep 3 of what was sent, on 3 of 3 resources (4 requests): "
        "the apply did not converge.",
    ]
    assert not verification.ok
