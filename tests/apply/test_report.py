"""The report as a value: its wording, its counts, and that it survives JSON."""

from __future__ import annotations

from haloform.apply import ApplyReport, ResourceResult, Status
from haloform.plan.model import Action


def _result(action: Action, status: Status, **extra: object) -> ResourceResult:
    return ResourceResult(
        action=action, kind="Workflow", guid="g", name="Incident", status=status, **extra
    )


REPORT = ApplyReport(
    environment="prod",
    tenant="https://acme.halopsa.com",
    plan_digest="d1",
    results=(
        _result(Action.CREATE, Status.APPLIED, live_id=12),
        _result(Action.CREATE, Status.APPLIED, live_id=13),
        _result(Action.UPDATE, Status.APPLIED, live_id=3),
        _result(Action.CREATE, Status.FAILED, message="Halo refused it: name: Name is required"),
        _result(Action.UPDATE, Status.UNKNOWN, message="answer lost"),
        _result(Action.DELETE, Status.SKIPPED, message="depends on Workflow 'X' which failed"),
    ),
    requests=9,
)


def test_the_summary_counts_what_was_done_and_what_was_not() -> None:
    assert REPORT.summary() == (
        "Apply: 2 created, 1 updated, 0 deleted; "
        "2 failed (1 with an unknown outcome: plan again), 1 not attempted."
    )
    assert not REPORT.ok


def test_each_result_reads_as_one_line() -> None:
    assert [result.describe() for result in REPORT.results[2:]] == [
        "updated Workflow 'Incident' (id 3)",
        "failed: create Workflow 'Incident': Halo refused it: name: Name is required",
        "outcome unknown: update Workflow 'Incident': answer lost",
        "skipped delete of Workflow 'Incident': depends on Workflow 'X' which failed",
    ]


def test_ok_needs_every_change_applied_and_no_stop() -> None:
    applied = REPORT.model_copy(update={"results": REPORT.results[:3]})
    assert applied.ok
    assert not applied.model_copy(update={"stopped": "the apply stopped: 403"}).ok


def test_the_report_round_trips_through_json() -> None:
    assert ApplyReport.model_validate_json(REPORT.model_dump_json()) == REPORT
