"""A small tenant for planning tests: its lookups, its workflows, a resolver into its
ids, and how Halo answers the documents of ``tests.kinds.documents`` once applied
there (ids, companions, defaults and noise included, in Halo's own order)."""

from __future__ import annotations

from typing import Any

from haloform.kinds import KindSpec
from haloform.kinds.refs import Ref
from haloform.resolve.index import ManagedIndex, TenantIndex, managed_ref
from haloform.snapshot.directory import Directory, Entry
from tests.kinds import documents

WORKFLOW_ID, PROBLEM_ID = 100, 200
STEP_RULE_GUID = "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e"

_LOOKUPS = {
    "outcome": {"Assign": 1, "Escalate": 2, "Resolve": 3, "Add Note": 4, "Chase": 7},
    "status": {"New": 1, "Closed": 12},
    "priority": {"P1 Critical": 1},
    "agent": {"Carol Network": 5},
    "sla": {"Platinum": 2},
    "team": {"Network": 3},
    "tickettype": {"Alert": 21},
    "template": {"Server Down": 31},
}

INDEX = TenantIndex(
    directory=Directory(
        {
            kind: tuple(Entry(id, name) for name, id in rows.items())
            for kind, rows in _LOOKUPS.items()
        }
    ),
    managed={
        "Workflow": ManagedIndex(
            guid_by_id={WORKFLOW_ID: documents.WORKFLOW_GUID, PROBLEM_ID: documents.PROBLEM_GUID},
            id_by_guid={documents.WORKFLOW_GUID: WORKFLOW_ID, documents.PROBLEM_GUID: PROBLEM_ID},
            name_by_guid={
                documents.WORKFLOW_GUID: "Incident Lifecycle",
                documents.PROBLEM_GUID: "Problem Management",
            },
        )
    },
)


def resolve(ref: Ref) -> Any:
    """What the planner's resolver gives: lookup ids, and symbolic managed refs."""
    if ref.target == "workflow":
        names = INDEX.managed["Workflow"].name_by_guid
        guid = ref.guid or next(g for g, name in names.items() if name == ref.name)
        return managed_ref("Workflow", guid)
    (entry,) = INDEX.lookup(ref.target, ref.name or "")
    return entry.id


def desired(spec: KindSpec, document: dict[str, Any]) -> dict[str, Any]:
    """The payload the planner would build for ``document``."""
    return spec.payload(spec.parse(document), resolve)


def live_workflow() -> dict[str, Any]:
    """``documents.workflow()`` as GET /Workflow/100?includedetails=true answers it."""
    return {
        "id": WORKFLOW_ID,
        "guid": documents.WORKFLOW_GUID,
        "name": "Incident Lifecycle",
        "note": "Standard incident flow",
        "active": True,
        "notinuse": False,
        "in_use": True,
        "_warning": "",
        "workflow_history": [{"id": 1}],
        "flow_chart_json": "",
        "access_control": [],
        "stages": [{"id": 61, "flow_id": 100, "sequence": 1, "name": "Triage", "outcome_step": 1}],
        "always_allow_actions": [
            {"id": 41, "outcome": "Legacy", "buttonname": "Legacy", "colour": "#000"},
            {"id": 4, "outcome": "Add Note", "buttonname": "Add Note"},
        ],
        "steps": [_live_step(n) for n in (4, 2, 3, 1)],
    }


def _live_step(step_id: int) -> dict[str, Any]:
    step: dict[str, Any] = {
        "fdid": 1000 + step_id,
        "flow_id": WORKFLOW_ID,
        "step_id": step_id,
        "isstart": step_id == 1,
        "isend": step_id == 4,
        "pipeline_stage_name": "",
        "actions": [],
    }
    step.update(_live_step_fields()[step_id])
    return step


def _live_step_fields() -> dict[int, dict[str, Any]]:
    return {
        1: {
            "name": "Logged",
            "actions": [
                _action(5002, outcome=(2, "Escalate"), steps=(1, 3), seq=2),
                _action(5001, outcome=(1, "Assign"), steps=(1, 2), seq=1),
            ],
        },
        2: {
            "name": "Assigned",
            "actions": [
                {
                    **_action(5003, outcome=(3, "Resolve"), steps=(2, 4), seq=1),
                    "time_limit_mins": 240.0,
                    "time_limit_action_id": 7,
                    "time_limit_action_name": "Chase",
                }
            ],
            "rules": [_live_step_rule()],
        },
        3: {"name": "Escalated to Problem", "new_flow_id": PROBLEM_ID},
        4: {"name": "Resolved"},
    }


def _action(
    id: int, *, outcome: tuple[int, str], steps: tuple[int, int], seq: int
) -> dict[str, Any]:
    return {
        "id": id,
        "flow_id": WORKFLOW_ID,
        "action_id": outcome[0],
        "action_name": outcome[1],
        "action_guid": f"00000000-0000-4000-8000-{outcome[0]:012d}",
        "start_step": steps[0],
        "end_step": steps[1],
        "seq": seq,
        "time_limit_mins": 0,
        "conditions": [],
    }


def _live_step_rule() -> dict[str, Any]:
    return {
        "id": 77,
        "guid": STEP_RULE_GUID,
        "flowdetail_id": 1002,
        "name": "Chase the agent",
        "precedence": 50,
        "active": True,
        "criteria": [
            {
                "id": 9,
                "rule_id": 77,
                "fieldname": "status_id",
                "value_int": 1,
                "value_display": "New",
            }
        ],
        "new_workflow_id": PROBLEM_ID,
        "new_workflow_name": "Problem Management",
        "newworkflow_guid": documents.PROBLEM_GUID,
    }


def live_ticket_rule() -> dict[str, Any]:
    """``documents.ticket_rule()`` as GET /TicketRules?includecriteriainfo=true has it."""
    return {
        "id": 300,
        "guid": documents.RULE_GUID,
        "name": "P1 to Network team",
        "precedence": 10,
        "use": 0,
        "active": True,
        "stopmatching": True,
        "intent": "",
        "criteria": [
            {
                "id": 31,
                "rule_id": 300,
                "autoassign_guid": documents.RULE_GUID,
                "fieldname": "priority_id",
                "tablename": "faults",
                "type": 0,
                "value_int": 1,
                "value_display": "P1 Critical",
            }
        ],
        "new_team": "Network",
        "new_agent_id": 5,
        "new_agent_name": "Carol Network",
        "new_sla_id": 2,
        "new_status_id": 12,
        "new_workflow_id": WORKFLOW_ID,
        "new_workflow_name": "Incident Lifecycle",
        "newworkflow_guid": documents.WORKFLOW_GUID,
        "matched_rule_count": 0,
    }


def live_event_rule() -> dict[str, Any]:
    """``documents.event_rule()`` as GET /EventRule/400 answers it (no secret)."""
    return {
        "id": 400,
        "guid": documents.EVENT_GUID,
        "name": "RMM disk alerts",
        "active": True,
        "event_key": "rmm-disk",
        "tickettype_id": 21,
        "tickettype_name": "Alert",
        "template_id": 31,
        "template_name": "Server Down",
        "criteria": [
            {
                "id": 8,
                "eventrule_id": 400,
                "fieldname": "alert_type",
                "type": 0,
                "value_string": "disk",
                "value_display": "disk",
            }
        ],
        "mappings": [
            {
                "id": 3,
                "eventrule_id": 400,
                "integration_method_value_name": "device",
                "field_name": "summary",
            }
        ],
        "authorizationtype": 1,
    }


def live_problem() -> dict[str, Any]:
    """``repo_builder.problem_workflow()`` as the tenant answers it once applied."""
    return {
        "id": PROBLEM_ID,
        "guid": documents.PROBLEM_GUID,
        "name": "Problem Management",
        "active": True,
        "steps": [
            {"fdid": 2001, "step_id": 2, "name": "Closed", "isend": True},
            {
                "fdid": 2002,
                "step_id": 1,
                "name": "Investigate",
                "isstart": True,
                "actions": [{"id": 9, "action_id": 3, "start_step": 1, "end_step": 2}],
            },
        ],
    }
