"""``haloform diff --env local --env staging``: two embedded tenants whose every id
differs (staging's start at 50000), filled by ``haloform apply``, compared by the CLI.

``UPDATE_GOLDEN=1`` rewrites ``golden/``; review the diff.
"""

from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import Haloform, assert_golden

INCIDENT = """
    kind: Workflow
    guid: 0e2d6f1a-1111-4a11-8a11-000000000001
    name: Incident
    steps:
      - step_id: 1
        name: Logged
        isstart: true
        actions:
          - {action_id: {outcome: Resolve}, end_step: 2, seq: 1, time_limit_mins: 240}
      - {step_id: 2, name: Closed, isend: true}
"""
P1_ROUTING = """
    kind: TicketRule
    guid: 0e2d6f1a-2222-4a22-8a22-000000000001
    name: P1 routing
    precedence: 10
    criteria:
      - {fieldname: priority_id, type: 0, value_type: int, value_int: {priority: P1 Critical}}
    new_agent_id: {agent: Carol Network}
    new_workflow_id: {workflow: Incident}
"""
DISK = """
    kind: EventRule
    guid: 0e2d6f1a-3333-4a33-8a33-000000000001
    name: Disk alerts
    event_key: rmm-disk
    tickettype_id: {tickettype: Alert}
"""
SUFFIX = {"text": "txt", "markdown": "md", "json": "json"}


@pytest.fixture
def promoted(repo: Haloform) -> Haloform:
    """The same repo applied to both tenants."""
    repo.write({"workflows/incident.yaml": INCIDENT, "ticket-rules/p1.yaml": P1_ROUTING})
    repo.apply()
    repo.apply(".", "--env", "staging")
    return repo


@pytest.fixture
def drifted(promoted: Haloform) -> Haloform:
    """staging edited after the promotion: a rule changed, an event rule only there."""
    promoted.edit("ticket-rules/p1.yaml", "precedence: 10", "precedence: 15")
    promoted.edit("ticket-rules/p1.yaml", "Carol Network", "Alice Admin")
    promoted.write({"event-rules/disk.yaml": DISK})
    promoted.apply(".", "--env", "staging")
    return promoted


def test_one_repo_applied_to_both_is_identical_though_every_id_differs(
    promoted: Haloform,
) -> None:
    ids = {
        env: {r["id"] for r in promoted.records("Workflow", env)} for env in ("local", "staging")
    }
    assert ids["local"].isdisjoint(ids["staging"])

    result = promoted("diff", "--env", "local", "--env", "staging", "--detailed-exitcode")

    assert result.stdout.splitlines()[-1] == "No differences. local and staging match: 2 identical."


def test_differences_exit_2_with_detailed_exitcode_only(drifted: Haloform) -> None:
    drifted("diff", "--env", "local", "--env", "staging", "--detailed-exitcode", code=2)
    text = drifted("diff", "--env", "local", "--env", "staging").stdout
    assert text.splitlines()[-1] == (
        "Diff: 0 only in local, 1 only in staging, 1 different, 1 identical."
    )


def test_the_json_names_both_sides_in_the_files_terms(drifted: Haloform) -> None:
    result = drifted("diff", "--env", "staging", "--env", "local", "--format", "json")
    report = json.loads(result.stdout)
    assert (report["a"]["environment"], report["b"]["environment"]) == ("staging", "local")
    assert [item["name"] for item in report["only_in_a"]] == ["Disk alerts"]
    [rule] = report["different"]
    assert rule["fields"] == [
        {"path": "new_agent_id", "a": {"agent": "Alice Admin"}, "b": {"agent": "Carol Network"}},
        {"path": "precedence", "a": 15, "b": 10},
    ]


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_golden(drifted: Haloform, fmt: str) -> None:
    result = drifted("diff", ".", "--env", "local", "--env", "staging", "--format", fmt)
    assert_golden(f"diff.{SUFFIX[fmt]}", result.stdout)


def test_kinds_narrow_the_comparison(drifted: Haloform) -> None:
    result = drifted("diff", "--env", "local", "--env", "staging", "--kinds", "workflow,TicketRule")
    assert "Disk alerts" not in result.stdout
    assert result.stdout.splitlines()[-1].startswith("Diff: 0 only in local, 0 only in staging")
    only_workflows = drifted(
        "diff", "--env", "local", "--env", "staging", "--kinds", "Workflow", "--detailed-exitcode"
    )
    assert "1 identical" in only_workflows.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--env", "local"), "give --env twice"),
        (("--env", "local", "--env", "staging", "--env", "x"), "(3 given)"),
        ((), "(0 given)"),
        (("--env", "local", "--env", "local"), "--env local is given twice"),
        (("--env", "local", "--env", "nowhere"), "no environment 'nowhere'"),
        (("--env", "local", "--env", "staging", "--kinds", "Rule"), "unknown kind 'Rule'"),
    ],
)
def test_usage_mistakes_are_errors_not_differences(
    repo: Haloform, args: tuple[str, ...], message: str
) -> None:
    result = repo("diff", *args, "--detailed-exitcode", code=1)
    assert message in result.stderr
    assert result.stdout == ""
