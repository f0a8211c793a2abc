"""Plans a pull-request reviewer meets, one per golden of tests/render/test_review.py."""

from __future__ import annotations

from typing import Any

from haloform.diff.fields import FieldChange
from haloform.plan.model import Action, Change, Neighbour, Plan

RULE = "5a1e0c2d-7f3b-4e8a-9c61-0d2e4b6a8f01"
FLOW = "8d6c1f3e-1a2b-4c3d-9e8f-2b7c1e0a4f11"


def _plan(*changes: Change) -> Plan:
    return Plan(environment="prod", tenant="https://acme.halopsa.com", changes=changes)


def _criterion(field: str, code: int, **value: Any) -> dict[str, Any]:
    return {"fieldname": field, "type": code, **value}


VIP = {
    "name": "VIP to Dan",
    "precedence": 10,
    "stopmatching": True,
    "criteria": [
        _criterion("summary", 2, value_string="VIP"),
        _criterion("priority_id", 1, value_int={"priority": "P4 Low"}),
        _criterion("status_id", 0, value_int={"status": "New"}),
    ],
    "new_agent_id": {"agent": "Dan Desk"},
    "new_priority_id": {"priority": "P1 Critical"},
    "new_workflow_id": {"workflow": "Incident Lifecycle"},
}


def new_rule() -> Plan:
    fields = tuple(FieldChange(path=k, after=v) for k, v in VIP.items())
    neighbours = (
        Neighbour(name="Security incidents", precedence=5, before=True, stopmatching=True),
        Neighbour(name="Catch-all triage", precedence=50, before=False, managed=False),
    )
    return _plan(
        Change(
            action=Action.CREATE,
            kind="TicketRule",
            guid=RULE,
            name="VIP to Dan",
            source="ticket-rules/vip.yaml:2",
            fields=fields,
            desired={"guid": RULE, **VIP},
            neighbours=neighbours,
        )
    )


def changed_criterion() -> Plan:
    old = _criterion("priority_id", 1, value_int={"priority": "P4 Low"})
    new = _criterion("priority_id", 7, value_int={"priority": "P3 Medium"})
    unknown = _criterion("cf_region", 42, value_string="EMEA")
    desired = {**VIP, "criteria": [VIP["criteria"][0], new, VIP["criteria"][2], unknown]}
    return _plan(
        Change(
            action=Action.UPDATE,
            kind="TicketRule",
            guid=RULE,
            name="VIP to Dan",
            source="ticket-rules/vip.yaml:2",
            live_id=4,
            fingerprint="a" * 64,
            fields=(
                FieldChange(path="criteria[-]", before=old),
                FieldChange(path="criteria[+]", after=new),
                FieldChange(path="criteria[+]", after=unknown),
            ),
            desired={"guid": RULE, **desired},
            neighbours=(Neighbour(name="Security incidents", precedence=5, before=True),),
        )
    )


def _step(step_id: int, name: str, *actions: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"step_id": step_id, "name": name, **extra, "actions": list(actions)}


def _action(outcome: str, end: int, **extra: Any) -> dict[str, Any]:
    return {"action_id": {"outcome": outcome}, "end_step": end, **extra}


INCIDENT = {
    "name": "Incident Lifecycle",
    "stages": [{"sequence": 1, "name": "Triage", "outcome_step": 2}],
    "steps": [
        _step(1, "Logged", _action("Assign", 2), _action("Escalate", 3), isstart=True),
        _step(2, "Assigned", _action("Resolve", 5, time_limit_mins=240)),
        _step(3, "Escalated to Problem", new_flow_id={"workflow": "Problem Management"}),
        _step(4, "Awaiting confirmation", _action("Confirm", 5), _action("Escalate", 6)),
        _step(5, "Resolved", isend=True),
        _step(6, "Escalated", isend=True),
    ],
}


def _created_workflow(body: dict[str, Any], source: str) -> Plan:
    fields = tuple(FieldChange(path=k, after=v) for k, v in body.items())
    return _plan(
        Change(
            action=Action.CREATE,
            kind="Workflow",
            guid=FLOW,
            name=body["name"],
            source=source,
            fields=fields,
            desired={"guid": FLOW, **body},
        )
    )


def new_workflow() -> Plan:
    return _created_workflow(INCIDENT, "workflows/incident.yaml:3")


RUNBOOK = {
    "name": "AI Project Task Creation",
    "steps": [
        _step(
            1,
            "Begin Array Iteration",
            {"action_id": -22, "end_step": 2, "approval_result": 1},
            {"action_id": -22, "end_step": 7},
            isstart=True,
        ),
        _step(2, "Next Iteration", {"action_id": -23, "end_step": -98}),
    ],
}
"""Shapes of a Halo-shipped runbook (tests/fixtures/halo): automation results by
Halo's negative codes, a loop to the next iteration, and an action to no step."""


def new_runbook() -> Plan:
    return _created_workflow(RUNBOOK, "workflows/ai-project-task-creation.yaml:3")


def changed_workflow() -> Plan:
    """Step 4 renamed, a new action Escalate from it, an action Reopen removed, a
    stage added, and a step removed."""
    step = 'steps["Awaiting confirmation"]'
    desired = {
        **INCIDENT,
        "stages": [*INCIDENT["stages"], {"sequence": 2, "name": "Confirm", "outcome_step": 5}],
    }
    return _plan(
        Change(
            action=Action.UPDATE,
            kind="Workflow",
            guid=FLOW,
            name="Incident Lifecycle",
            source="workflows/incident.yaml:3",
            live_id=1,
            fingerprint="b" * 64,
            fields=(
                FieldChange(
                    path=f'{step}.actions["Escalate -> Escalated"]', after=_action("Escalate", 6)
                ),
                FieldChange(
                    path=f'{step}.actions["Reopen -> Assigned"]', before=_action("Reopen", 2)
                ),
                FieldChange(
                    path=f"{step}.name", before="Awaiting approval", after="Awaiting confirmation"
                ),
                FieldChange(path='stages["Confirm"]', after=desired["stages"][1]),
                FieldChange(path='steps["Legacy triage"]', before=_step(7, "Legacy triage")),
            ),
            desired={"guid": FLOW, **desired},
        )
    )


def delete() -> Plan:
    return _plan(
        Change(
            action=Action.DELETE,
            kind="TicketRule",
            guid=RULE,
            name="Old triage",
            source="ticket-rules/old-triage.yaml:1",
            live_id=12,
            fingerprint="c" * 64,
        )
    )


def promotion(count: int = 1_070) -> Plan:
    """Every resource of a template tenant created in an empty one: workflows and rules."""
    changes = []
    for index in range(count):
        if index % 5 == 0:
            name, body, kind = f"Flow {index:04d}", {**INCIDENT}, "Workflow"
        else:
            name, body, kind = f"Rule {index:04d}", {**VIP, "precedence": index}, "TicketRule"
        body["name"] = name
        guid = f"00000000-0000-4000-8000-{index:012d}"
        changes.append(
            Change(
                action=Action.CREATE,
                kind=kind,
                guid=guid,
                name=name,
                source=f"{kind.lower()}s/{index:04d}.yaml:1",
                fields=tuple(FieldChange(path=k, after=v) for k, v in body.items()),
                desired={"guid": guid, **body},
            )
        )
    return Plan(
        environment="customer-42",
        tenant="https://customer42.halopsa.com",
        changes=tuple(sorted(changes, key=Change.sort_key)),
    )
