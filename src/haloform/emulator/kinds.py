"""The kinds of record the emulated tenant holds, named as the API paths name them
(lower case), so ``emu.count("Workflow")`` and ``GET /api/workflow`` agree."""

from __future__ import annotations

LABELS: dict[str, str] = {
    "workflow": "Workflow",
    "workflowstep": "Workflow step",
    "ticketrules": "Ticket rule",
    "eventrule": "Event rule",
    "agent": "Agent",
    "team": "Team",
    "status": "Status",
    "priority": "Priority",
    "sla": "SLA",
    "template": "Template",
    "tickettype": "Ticket type",
    "outcome": "Action",
    "event": "Event",
    "automation": "Automation",
    "notifications": "Notification",
}
"""Every kind, with the name Halo's messages use for it. Workflow steps are not stored
apart: they live inside their workflow, and are listed from there."""

SEEDED = frozenset(
    {"agent", "team", "status", "priority", "sla", "template", "tickettype", "outcome"}
    | {"event", "automation", "notifications"}
)
"""Kinds a seed file may fill: the read-only directory and the runtime records."""

GUID_KEYED: dict[str, str] = {"priority": "priorityid"}
"""Kinds whose ``id`` is a guid string; the integer other records store is this field."""


def kind_of(resource: str) -> str:
    """The kind for a resource name in any case; unknown names are a caller's bug."""
    kind = resource.lower()
    if kind not in LABELS:
        raise KeyError(f"no such resource {resource!r}; known: {', '.join(sorted(LABELS))}")
    return kind
