"""Documents as the loader hands them to the models: one per kind, using every form
of reference, built fresh per call so a test may change its copy."""

from __future__ import annotations

from typing import Any

WORKFLOW_GUID = "8d6c1f3e-1a2b-4c3d-9e8f-2b7c1e0a4f11"
PROBLEM_GUID = "3f2a9c1e-5b6d-4e7f-8a9b-1c2d3e4f5a6b"
RULE_GUID = "5a1e0c2d-7f3b-4e8a-9c61-0d2e4b6a8f01"
EVENT_GUID = "e7e7a1b2-3c4d-4e5f-8a9b-0c1d2e3f4a51"


def workflow() -> dict[str, Any]:
    return {
        "kind": "Workflow",
        "guid": WORKFLOW_GUID,
        "name": "Incident Lifecycle",
        "note": "Standard incident flow",
        "stages": [{"sequence": 1, "name": "Triage", "outcome_step": 1}],
        "always_allow_actions": [{"outcome": "Add Note"}, 41],
        "steps": [
            {
                "step_id": 1,
                "name": "Logged",
                "isstart": True,
                "actions": [
                    {"action_id": {"outcome": "Assign"}, "end_step": 2, "seq": 1},
                    {"action_id": {"outcome": "Escalate"}, "end_step": 3, "seq": 2},
                ],
            },
            {
                "step_id": 2,
                "name": "Assigned",
                "actions": [
                    {
                        "action_id": {"outcome": "Resolve"},
                        "end_step": 4,
                        "seq": 1,
                        "time_limit_mins": 240,
                        "time_limit_action_id": 7,
                    }
                ],
                "rules": [
                    {
                        "name": "Chase the agent",
                        "criteria": [{"fieldname": "status_id", "value_int": {"status": "New"}}],
                        "new_workflow_id": {"workflow": {"guid": PROBLEM_GUID}},
                    }
                ],
            },
            {
                "step_id": 3,
                "name": "Escalated to Problem",
                "new_flow_id": {"workflow": "Problem Management"},
            },
            {"step_id": 4, "name": "Resolved", "isend": True},
        ],
    }


def ticket_rule() -> dict[str, Any]:
    return {
        "kind": "TicketRule",
        "guid": RULE_GUID,
        "name": "P1 to Network team",
        "precedence": 10,
        "stopmatching": True,
        "criteria": [
            {"fieldname": "priority_id", "type": 0, "value_int": {"priority": "P1 Critical"}}
        ],
        "new_team": "Network",
        "new_agent_id": {"agent": "Carol Network"},
        "new_sla_id": {"sla": "Platinum"},
        "new_status_id": 12,
        "new_workflow_id": {"workflow": "Incident Lifecycle"},
    }


def event_rule() -> dict[str, Any]:
    return {
        "kind": "EventRule",
        "guid": EVENT_GUID,
        "name": "RMM disk alerts",
        "event_key": "rmm-disk",
        "tickettype_id": {"tickettype": "Alert"},
        "template_id": {"template": "Server Down"},
        "criteria": [{"fieldname": "alert_type", "type": 0, "value_string": "disk"}],
        "mappings": [{"integration_method_value_name": "device", "field_name": "summary"}],
        "authorizationtype": 1,
        "new_client_secret": "${env:RMM_WEBHOOK_SECRET}",
    }
