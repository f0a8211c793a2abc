"""Plans the renderer tests share: one of every kind of change, and an empty one."""

from __future__ import annotations

from haloform.diff.fields import FieldChange
from haloform.plan.model import Action, Change, Plan, Unmanaged

P1_RULE = "5a1e0c2d-7f3b-4e8a-9c61-0d2e4b6a8f01"
PROBLEM_FLOW = "0b0b0b0b-1111-4222-8333-444444444444"
INCIDENT_FLOW = "8d6c1f3e-1a2b-4c3d-9e8f-2b7c1e0a4f11"
DISK_RULE = "e7e7a1b2-3c4d-4e5f-8a9b-0c1d2e3f4a51"
LEGACY_RULE = "f0f0f0f0-aaaa-4bbb-8ccc-dddddddddddd"
OLD_TRIAGE = "c1c1c1c1-2222-4333-8444-555555555555"


def _field(path: str, before: object, after: object) -> FieldChange:
    return FieldChange(path=path, before=before, after=after)


def _disk(value: str) -> dict[str, object]:
    return {"fieldname": "alert_type", "type": 0, "value_string": value}


def _creates() -> list[Change]:
    p1 = Change(
        action=Action.CREATE,
        kind="TicketRule",
        guid=P1_RULE,
        name="P1 to Network team",
        source="ticket-rules/p1-to-network.yaml:2",
        fields=(
            _field("name", None, "P1 to Network team"),
            _field("precedence", None, 10),
            _field("stopmatching", None, True),
            _field(
                "criteria",
                None,
                [{"fieldname": "priority_id", "type": 0, "value_int": {"priority": "P1 Critical"}}],
            ),
            _field("new_team", None, "Network"),
            _field("new_agent_id", None, {"agent": "Carol Network"}),
            _field("new_workflow_id", None, {"workflow": "Incident Lifecycle"}),
        ),
        # Payloads hold tenant ids and secret placeholders: never rendered.
        payload={"name": "P1 to Network team", "agent_id": 7, "token": "${env:HALO_HOOK}"},
        depends_on=(f"Workflow/{INCIDENT_FLOW}",),
    )
    problem = Change(
        action=Action.CREATE,
        kind="Workflow",
        guid=PROBLEM_FLOW,
        name="Problem Management",
        source="workflows/problem.yaml:1",
        fields=(
            _field("name", None, "Problem Management"),
            _field("note", None, "Root cause analysis for recurring incidents. " * 3),
            _field("steps", None, [{"step_id": i, "name": f"Step {i}"} for i in range(1, 5)]),
        ),
        payload={"name": "Problem Management"},
        deferred={"steps": [{"step_id": 3, "new_flow_id": {"$managed": "Workflow/x"}}]},
    )
    return [p1, problem]


def _updates() -> list[Change]:
    disk = Change(
        action=Action.UPDATE,
        kind="EventRule",
        guid=DISK_RULE,
        name="RMM disk alerts",
        source="event-rules/rmm-disk.yaml:1",
        live_id=3,
        fingerprint="f" * 64,
        fields=(
            _field("template_id", {"template": "Server Down"}, {"template": "Disk Full"}),
            _field("criteria[-]", _disk("disk"), None),
            _field("criteria[+]", None, _disk("disk_space")),
        ),
    )
    incident = Change(
        action=Action.UPDATE,
        kind="Workflow",
        guid=INCIDENT_FLOW,
        name="Incident Lifecycle",
        source="workflows/incident.yaml:3",
        live_id=1,
        fingerprint="a" * 64,
        fields=(
            _field("note", "Standard incident flow", None),
            _field('steps["Assigned to team"].name', "Assigned", "Assigned to team"),
            _field(
                'steps["Assigned to team"].actions["Resolve -> Resolved"].time_limit_mins',
                None,
                240,
            ),
            _field('steps["Escalated"].new_flow_id', None, {"workflow": {"guid": PROBLEM_FLOW}}),
            _field(
                "stages",
                [{"sequence": 1, "name": "Triage"}],
                [{"sequence": 1, "name": "Triage"}, {"sequence": 2, "name": "Fix"}],
            ),
            _field("description", "line one\nline two", "line one\nline 2"),
        ),
    )
    return [disk, incident]


def _deletes() -> list[Change]:
    legacy = Change(
        action=Action.DELETE,
        kind="EventRule",
        guid=LEGACY_RULE,
        name="Legacy SNMP traps",
        source="event-rules/legacy.yaml:1",
        live_id=31,
        fingerprint="b" * 64,
    )
    old = Change(
        action=Action.DELETE,
        kind="TicketRule",
        guid=OLD_TRIAGE,
        name="Old triage",
        live_id=12,
        fingerprint="c" * 64,
    )
    return [legacy, old]


def representative() -> Plan:
    """Creates, updates with nested paths and references, deletes, unmanaged, warnings."""
    changes = sorted([*_creates(), *_updates(), *_deletes()], key=Change.sort_key)
    return Plan(
        environment="prod",
        tenant="https://acme.halopsa.com",
        changes=tuple(changes),
        unchanged=5,
        unmanaged=(
            Unmanaged(kind="TicketRule", guid=None, name="Manual VIP routing", live_id=40),
            Unmanaged(
                kind="Workflow",
                guid="9e9e9e9e-0000-4000-8000-000000000000",
                name="Change Request",
                live_id=7,
            ),
        ),
        warnings=(
            "ticket-rules/vip.yaml:9: new_agent_id is a raw id (17), not portable across "
            "tenants; write {agent: <name>}",
        ),
    )


def empty() -> Plan:
    """Nothing to do: the tenant already matches."""
    return Plan(environment="dev", tenant="embedded:dev", unchanged=12)


def many(count: int) -> Plan:
    """``count`` updates, enough to burst a PR comment many times over."""
    changes = tuple(
        Change(
            action=Action.UPDATE,
            kind="TicketRule",
            guid=f"00000000-0000-4000-8000-{index:012d}",
            name=f"Rule {index:05d}",
            source=f"ticket-rules/rule-{index:05d}.yaml:1",
            live_id=index,
            fields=(
                _field("precedence", index, index + 1),
                _field("new_agent_id", {"agent": "Alice Admin"}, {"agent": "Bob Builder"}),
            ),
        )
        for index in range(count)
    )
    return Plan(environment="prod", tenant="https://acme.halopsa.com", changes=changes)
