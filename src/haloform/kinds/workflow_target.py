"""Targets: time goals measured between workflow stages or steps.

Halo uses the same object for a workflow's ``targets`` and a ticket rule's ``olas``,
so it is modelled once, apart from both kinds.
"""

from __future__ import annotations

from typing import Annotated

from haloform.kinds.base import HaloModel, KeyedBy, UnorderedPassthrough


class WorkflowTarget(HaloModel):
    """A target (or an OLA): how long a ticket may take from a start to an end."""

    halo_schema = "WorkflowTarget"
    server_owned = frozenset(
        {"id", "_warning", "flow_id", "flow_guid", "rule_id"}
        | {"start_stage_name", "end_stage_name", "workday_name"}
    )

    name: str | None = None
    target_type: int | None = None
    target: float | None = None
    target_units: str | None = None
    workday: int | None = None
    start_stage_id: int | None = None
    end_stage_id: int | None = None
    start_steps: UnorderedPassthrough | None = None
    end_steps: UnorderedPassthrough | None = None
    teams: UnorderedPassthrough | None = None
    """Item shape unpublished (WorkflowTargetTeam): kept as written."""
    priorities: UnorderedPassthrough | None = None
    """Item shape unpublished (WorkflowTargetPriority): kept as written."""
    template_id: int | None = None


TargetList = Annotated[list[WorkflowTarget], KeyedBy(("name",))]
