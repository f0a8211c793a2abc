"""The health report as text, Markdown and JSON, pinned by golden files."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from haloform.health import Failure, HealthReport, UnhandledEvent, render_health
from tests.goldens import assert_golden

SINCE = datetime(2026, 10, 2, 6, 0, tzinfo=UTC)
UNTIL = datetime(2026, 10, 3, 6, 0, tzinfo=UTC)

FAILING = HealthReport(
    tenant="prod",
    since=SINCE,
    until=UNTIL,
    workflows=("Incident Lifecycle", "Problem Management"),
    runs=12,
    failures=(
        Failure(
            workflow="Incident Lifecycle",
            workflow_guid="05848d60-cff7-4712-9ca9-4703277d530d",
            step=3,
            step_name="Escalated to Problem",
            count=2,
            last_error="Failed result reached. Last step=3 | retry",
            last_seen=datetime(2026, 10, 3, 5, 1, 2, 380000, tzinfo=UTC),
            tickets=(1042, 1043),
        ),
        Failure(
            workflow="Problem Management",
            workflow_guid="1f6ac796-fe29-4d73-a70d-5a99c2fb514f",
            step=None,
            count=1,
            last_error="",
            last_seen=datetime(2026, 10, 2, 23, 0, tzinfo=UTC),
        ),
    ),
    unhandled_events=(
        UnhandledEvent(id=9, last_seen=datetime(2026, 10, 3, 4, 0, tzinfo=UTC), summary="disk"),
    ),
    events_tell=True,
    requests=4,
)
HEALTHY = HealthReport(
    tenant="prod", since=SINCE, until=UNTIL, workflows=("Incident Lifecycle",), runs=3
)


@pytest.mark.parametrize(("fmt", "suffix"), [("text", "txt"), ("markdown", "md"), ("json", "json")])
def test_a_failing_report(fmt: str, suffix: str) -> None:
    assert_golden(f"health-failing.{suffix}", render_health(FAILING, fmt))


@pytest.mark.parametrize(("fmt", "suffix"), [("text", "txt"), ("markdown", "md")])
def test_a_healthy_report(fmt: str, suffix: str) -> None:
    assert_golden(f"health-healthy.{suffix}", render_health(HEALTHY, fmt))


def test_json_carries_the_fields_the_readme_promises() -> None:
    document = json.loads(render_health(FAILING, "json"))
    assert set(document) >= {"since", "failures", "unhandled_events"}
    assert set(document["failures"][0]) >= {
        "workflow",
        "step",
        "count",
        "last_error",
        "last_seen",
        "tickets",
    }
    assert not HEALTHY.failed and FAILING.failed
