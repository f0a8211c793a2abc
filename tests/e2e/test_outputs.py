"""The three output formats of one representative plan, pinned by golden files.

The plan is made from a fixed repo against a fresh embedded tenant, so every id,
fingerprint and digest in it is the same on every run: a repo is applied, a record is
added in Halo by hand, then the repo changes (a create, updates of nested fields and of
references, a tombstone). ``UPDATE_GOLDEN=1`` rewrites ``golden/``; review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from haloform.plan.model import Action, Neighbour, Plan
from tests.e2e.conftest import Haloform, assert_golden

INCIDENT = """
    kind: Workflow
    guid: 0e2d6f1a-1111-4a11-8a11-000000000001
    name: Incident
    note: Standard incident flow
    steps:
      - step_id: 1
        name: Logged
        isstart: true
        actions:
          - {action_id: {outcome: Assign}, end_step: 2, seq: 1}
          - {action_id: {outcome: Escalate}, end_step: 3, seq: 2}
      - step_id: 2
        name: Assigned
        actions:
          - {action_id: {outcome: Resolve}, end_step: 3, seq: 1, time_limit_mins: 240}
      - {step_id: 3, name: Closed, isend: true}
"""
PROBLEM = """
    kind: Workflow
    guid: 0e2d6f1a-1111-4a11-8a11-000000000002
    name: Problem
    steps:
      - step_id: 1
        name: Investigate
        isstart: true
        actions:
          - {action_id: {outcome: Resolve}, end_step: 2, seq: 1}
      - {step_id: 2, name: Closed, isend: true}
"""
P1_ROUTING = """
    kind: TicketRule
    guid: 0e2d6f1a-2222-4a22-8a22-000000000001
    name: P1 routing
    precedence: 10
    criteria:
      - fieldname: priority_id
        tablename: faults
        type: 0
        value_type: int
        value_int: {priority: P1 Critical}
    new_agent_id: {agent: Carol Network}
    new_workflow_id: {workflow: Incident}
"""
OLD_ROUTING = """
    kind: TicketRule
    guid: 0e2d6f1a-2222-4a22-8a22-000000000002
    name: Old routing
    precedence: 20
    new_team: Service Desk
"""
DISK = """
    kind: EventRule
    guid: 0e2d6f1a-3333-4a33-8a33-000000000001
    name: Disk alerts
    event_key: rmm-disk
    tickettype_id: {tickettype: Alert}
    criteria:
      - {fieldname: alert_type, type: 0, value_type: string, value_string: disk}
"""
MANUAL_GUID = "0e2d6f1a-4444-4a44-8a44-000000000001"


@pytest.fixture
def representative(repo: Haloform) -> Haloform:
    """A repo whose plan against its tenant has one of everything."""
    repo.write(
        {
            "workflows/incident.yaml": INCIDENT,
            "ticket-rules/p1.yaml": P1_ROUTING,
            "ticket-rules/old.yaml": OLD_ROUTING,
            "event-rules/disk.yaml": DISK,
        }
    )
    repo.apply()
    repo.create_in_tenant("/TicketRules", guid=MANUAL_GUID, name="Manual routing", precedence=90)

    repo.edit("workflows/incident.yaml", "name: Assigned", "name: Assigned to agent")
    repo.edit("workflows/incident.yaml", "time_limit_mins: 240", "time_limit_mins: 480")
    repo.edit(
        "workflows/incident.yaml",
        "{step_id: 3, name: Closed, isend: true}",
        "{step_id: 3, name: Closed, isend: true, new_flow_id: {workflow: Problem}}",
    )
    repo.write(
        {
            "workflows/problem.yaml": PROBLEM,
            "ticket-rules/p1.yaml": P1_ROUTING.replace("Carol Network", "Alice Admin")
            .replace("precedence: 10", "precedence: 5")
            .replace("P1 Critical", "P2 High"),
            "ticket-rules/old.yaml": OLD_ROUTING.replace(
                "precedence: 20\n    new_team: Service Desk", "deleted: true"
            ),
        }
    )
    return repo


SUFFIX = {"text": "txt", "markdown": "md", "json": "json"}


@pytest.mark.parametrize("fmt", sorted(SUFFIX))
def test_representative_plan(representative: Haloform, fmt: str) -> None:
    result = representative("plan", ".", "--format", fmt, "--detailed-exitcode", code=2)
    assert_golden(f"representative.{SUFFIX[fmt]}", result.stdout)


def test_the_representative_plan_has_one_of_everything(representative: Haloform) -> None:
    report = representative.plan()
    assert report["summary"] == {"create": 1, "update": 2, "delete": 1, "unchanged": 1}
    assert [u["guid"] for u in report["unmanaged"]] == [MANUAL_GUID]
    paths = {field["path"] for change in report["changes"] for field in change["fields"]}
    assert 'steps["Closed"].new_flow_id' in paths
    assert 'steps["Assigned to agent"].actions["Resolve -> Closed"].time_limit_mins' in paths
    assert "new_agent_id" in paths


def test_the_same_plan_renders_the_same_bytes(representative: Haloform) -> None:
    first = representative("plan", ".", "--format", "json", code=0).stdout
    again = representative("plan", ".", "--format", "json", code=0).stdout
    assert first == again
    assert json.loads(first)["digest"] == json.loads(again)["digest"]


def _saved(repo: Haloform, tmp_path: Path) -> Plan:
    out = tmp_path / "plan.json"
    repo("plan", ".", "--out", str(out), code=0)
    return Plan.from_json(out.read_text(encoding="utf-8"))


def test_rules_carry_their_neighbours_and_updates_their_resource(
    representative: Haloform, tmp_path: Path
) -> None:
    plan = _saved(representative, tmp_path)
    by_name = {change.name: change for change in plan.changes}
    p1 = by_name["P1 routing"]
    assert p1.action is Action.UPDATE
    # Old routing is deleted by this plan, so it is not a neighbour; the live rule no
    # file describes is.
    assert p1.neighbours == (
        Neighbour(name="Manual routing", precedence=90, before=False, managed=False),
    )
    assert MANUAL_GUID not in {change.guid for change in plan.changes}
    incident = by_name["Incident"]
    assert incident.desired is not None
    assert [step["name"] for step in incident.desired["steps"]][:2] == [
        "Logged",
        "Assigned to agent",
    ]
    assert incident.neighbours == ()  # workflows have no evaluation order


def test_the_plan_comment_shows_lint_findings_of_the_rules_it_touches(repo: Haloform) -> None:
    repo.write(
        {
            "rules.yaml": """
                kind: TicketRule
                guid: 1c0ffee0-0000-4000-8000-000000000001
                name: Every P1 to the duty manager
                precedence: 5
                stopmatching: true
                criteria:
                  - {fieldname: priority_id, type: 0, value_int: {priority: P1 Critical}}
                new_team: Network
                ---
                kind: TicketRule
                guid: 1c0ffee0-0000-4000-8000-000000000002
                name: P1 network outages
                precedence: 10
                criteria:
                  - {fieldname: priority_id, type: 0, value_int: {priority: P1 Critical}}
                  - {fieldname: summary, type: 2, value_string: network}
                new_team: Network
            """
        }
    )
    markdown = repo("plan", ".", "--format", "markdown").stdout
    assert "unreachable-rule" in markdown
    assert "can never match" in markdown
