"""``haloform health`` and ``apply --watch`` against the embedded tenant: failed runs of
managed workflows are found; other workflows' runs and older runs are not."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from .conftest import Haloform


def _stamp(ago: timedelta, digits: int = 2) -> str:
    """A Halo timestamp ``ago`` before now: no zone, ``digits`` fraction digits."""
    text = (datetime.now(UTC) - ago).replace(tzinfo=None).isoformat(timespec="milliseconds")
    return text[: len(text) - 3 + digits] if digits else text[:-4]


def _workflow_id(examples: Haloform, name: str) -> int:
    return next(int(r["id"]) for r in examples.records("Workflow") if r["name"] == name)


def _run(examples: Haloform, **fields: Any) -> None:
    row = {"status": 2, "error": "", "trace": [], "retry_attempts_remaining": 0, **fields}
    with examples.tenant() as emu:
        emu.add_record("Automation", **row)


def test_health_finds_a_failed_run_of_a_managed_workflow_only(examples: Haloform) -> None:
    examples.apply()
    incident = _workflow_id(examples, "Incident Lifecycle")
    healthy = examples("health", ".").stdout
    assert "Health: 0 failed of 0 automation runs" in healthy

    error = "Failed result reached. Last step=3"
    _run(examples, workflow_id=incident, workflow_step=3, timestamp=_stamp(timedelta(hours=1)))
    _run(
        examples,
        workflow_id=incident,
        workflow_step=3,
        status=1,
        error=error,
        ticket_id=1042,
        timestamp=_stamp(timedelta(minutes=30), digits=3),
    )
    _run(
        examples,
        workflow_id=incident,
        workflow_step=3,
        status=1,
        error="older",
        ticket_id=7,
        timestamp=_stamp(timedelta(minutes=20), digits=0),
    )
    # Not this repo's workflow, and too old: neither counts.
    _run(
        examples,
        workflow_id=999_999,
        workflow_step=1,
        status=1,
        error="someone else's",
        timestamp=_stamp(timedelta(minutes=5)),
    )
    _run(
        examples,
        workflow_id=incident,
        workflow_step=2,
        status=1,
        error="last week",
        timestamp=_stamp(timedelta(days=3)),
    )

    text = examples("health", ".", code=2).stdout
    (line,) = [line for line in text.splitlines() if line.startswith("FAILED")]
    assert "'Incident Lifecycle' step 3 (Escalated to Problem): 2 failed" in line
    assert "older" in line and "#7, #1042" in line
    assert "someone else's" not in text and "last week" not in text
    assert "Health: 2 failed of 3 automation runs" in text

    report = json.loads(examples("health", ".", "--format", "json", code=2).stdout)
    (failure,) = report["failures"]
    assert {k: failure[k] for k in ("workflow", "step", "count", "last_error", "tickets")} == {
        "workflow": "Incident Lifecycle",
        "step": 3,
        "count": 2,
        "last_error": "older",
        "tickets": [7, 1042],
    }
    assert report["since"] and failure["last_seen"]

    markdown = examples("health", ".", "--format", "markdown", code=2).stdout
    assert "| Incident Lifecycle | step 3 (Escalated to Problem) | 2 |" in markdown

    # A window that ends before the failures sees none of them.
    assert "0 failed" in examples("health", ".", "--since", "10m").stdout


def test_health_reports_events_no_rule_handled_where_the_records_say(
    examples: Haloform,
) -> None:
    examples.apply()
    assert "events not checked" in examples("health", ".").stdout
    with examples.tenant() as emu:
        emu.add_record(
            "Event",
            type=0,
            status=1,
            eventrule_id=0,
            summary="disk full",
            last_attempt_date=_stamp(timedelta(minutes=2)),
        )
        emu.add_record(
            "Event",
            type=0,
            status=1,
            eventrule_id=4,
            summary="handled",
            last_attempt_date=_stamp(timedelta(minutes=2)),
        )
    text = examples("health", ".", code=2).stdout
    assert "UNHANDLED event" in text and "disk full" in text and "handled\n" not in text


def test_a_bad_since_is_an_error(examples: Haloform) -> None:
    result = examples("health", ".", "--since", "yesterday", code=1)
    assert "not a duration" in result.stderr


def test_apply_watch_fails_when_a_changed_workflow_starts_failing(examples: Haloform) -> None:
    examples.apply()
    examples.edit("workflows/incident.yaml", "name: Assigned\n", "name: Assigned to agent\n")
    incident = _workflow_id(examples, "Incident Lifecycle")
    # A failure stamped in the future lands inside the watch window of the next apply.
    _run(
        examples,
        workflow_id=incident,
        workflow_step=2,
        status=1,
        error="boom",
        timestamp=_stamp(timedelta(minutes=-5)),
    )
    watched = examples("apply", ".", "--auto-approve", "--watch", "1s", code=1).stdout
    assert "Verified: Halo kept all 1 changes" in watched
    assert "'Incident Lifecycle' step 2 (Assigned to agent): 1 failed" in watched


def test_apply_watch_passes_when_nothing_fails(examples: Haloform) -> None:
    examples.apply()
    examples.edit("workflows/incident.yaml", "name: Assigned\n", "name: Assigned to agent\n")
    watched = examples("apply", ".", "--auto-approve", "--watch", "0.3s").stdout
    assert "Health: 0 failed of 0 automation runs." in watched
