"""Ticket rules (Halo's Autoassign): when a ticket matches, set its agent, team,
priority, status, SLA, workflow, template or categories.

The same object lives in two places: as a top-level document (``kind: TicketRule``),
and inside a workflow step's ``rules``. Halo's list answers both; a row carrying
``flowdetail_id`` belongs to its workflow step and is never this kind's to manage.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field

from haloform.kinds.base import (
    UNORDERED,
    HaloModel,
    Passthrough,
    Resource,
    UnorderedPassthrough,
)
from haloform.kinds.criteria import CriteriaGroupList, CriteriaList
from haloform.kinds.refs import Guid, LookupOf, LookupRef, Name, NameOf, TenantId, WorkflowRef
from haloform.kinds.spec import KindSpec
from haloform.kinds.workflow_target import TargetList


class RuleOutcome(HaloModel):
    """A field value a rule sets beyond its ``new_*`` fields."""

    halo_schema = "AutoassignOutcome"
    server_owned = frozenset(
        {"id", "_warning", "rule_id", "autoassign_guid", "value_display", "user"}
    )

    fieldid: int | None = None
    fieldname: str | None = None
    value_type: str | None = None
    value_type_id: int | None = None
    value_int: int | None = None
    value_string: str | None = None
    value_float: float | None = None
    value_datetime: Annotated[datetime, Field(strict=False)] | None = None
    value: Any = None
    is_dummy: bool | None = None


class RuleSettings(HaloModel):
    """What a ticket rule is, wherever it lives."""

    halo_schema = "Autoassign"
    server_owned = (
        frozenset({"id", "intent", "_warning", "flowdetail_id"})
        | {"new_agent_name", "new_product_name", "new_workflow_name", "new_template_name"}
        | {"outcome_name", "script_name"}
        | {f"new_category_{n}_{suffix}" for n in range(1, 5) for suffix in ("guid", "name")}
        | {"newstatus_guid", "new_sla_guid", "newworkflow_guid", "newtemplate_guid"}
        # what a test run of the rule answers, not what the rule is
        | {"_domatch", "user", "matched_rule_count", "matched_ids", "rule_ids", "lookup_ids"}
        | {"notification_names", "notification_matched_rule_count"}
    )
    zero_unset = frozenset(
        {"use", "new_product_id", "batch_size", "batch_sleep"}
        | {"access_control_level", "stopmatching", "use_criteria_groups", "set_colour"}
        | {"set_ticket_ai_indexing", "dontshownotification", "pop_up_msg_is_html"}
        | {"pop_up_msg_modal"}
    )
    observed = frozenset({"group_id", "new_teamid"})

    name: Name
    precedence: int | None = None
    """1 is the highest; Halo's default is 50."""
    use: int | None = None
    """When the rule runs. The options are "New tickets and existing tickets" (the
    default), "New ticket", "Existing ticket" and "Manual"; their codes are unpublished."""
    stopmatching: bool | None = None
    """Stop looking at lower-precedence rules once this one matches."""
    active: bool | None = None
    criteria: CriteriaList | None = None
    use_criteria_groups: bool | None = None
    criteria_groups: CriteriaGroupList | None = None
    """ORed with each other (the criteria inside one group are ANDed)."""
    outcomes: Annotated[list[RuleOutcome], UNORDERED] | None = None

    new_agent_id: Annotated[LookupRef, LookupOf("agent")] | TenantId | None = None
    new_team: Annotated[Name, NameOf("team")] | None = None
    """A team NAME: Halo stores the name, not an id."""
    new_priority_id: Annotated[LookupRef, LookupOf("priority")] | TenantId | None = None
    new_status_id: Annotated[LookupRef, LookupOf("status")] | TenantId | None = None
    new_sla_id: Annotated[LookupRef, LookupOf("sla")] | TenantId | None = None
    new_workflow_id: WorkflowRef | TenantId | None = None
    new_template_id: Annotated[LookupRef, LookupOf("template")] | TenantId | None = None
    new_category_1_id: Annotated[LookupRef, LookupOf("category")] | TenantId | None = None
    new_category_2_id: Annotated[LookupRef, LookupOf("category")] | TenantId | None = None
    new_category_3_id: Annotated[LookupRef, LookupOf("category")] | TenantId | None = None
    new_category_4_id: Annotated[LookupRef, LookupOf("category")] | TenantId | None = None
    new_teamid: Annotated[LookupRef, LookupOf("team")] | TenantId | None = None
    """The id of the team ``new_team`` names."""
    new_product_id: int | None = None
    outcome_id: Annotated[LookupRef, LookupOf("outcome")] | TenantId | None = None
    """The Outcome (Action) a "Manual" rule is tied to."""
    script_id: TenantId | None = None
    """A tenant's id with no lookup to name it: reported as not portable."""
    group_id: TenantId | None = None
    """A tenant's id with no lookup to name it."""
    new_colour: str | None = None
    set_colour: bool | None = None
    set_ticket_ai_indexing: bool | None = None

    dontshownotification: bool | None = None
    popupmsg: str | None = None
    pop_up_msg_is_html: bool | None = None
    pop_up_msg_modal: bool | None = None
    popup_notes: Passthrough | None = None
    batch_size: int | None = None
    batch_sleep: int | None = None
    olas: TargetList | None = None
    database_lookups: UnorderedPassthrough | None = None
    events: UnorderedPassthrough | None = None
    access_control: UnorderedPassthrough | None = None
    access_control_level: int | None = None


class TicketRule(RuleSettings, Resource):
    """A global ticket rule: its own document, identified by guid."""

    kind: Literal["TicketRule"] = "TicketRule"


class StepRule(RuleSettings):
    """A rule inside a workflow step: it lives and dies with its step, and is matched
    by name inside it. A guid is optional; with one, Halo updates that row in place."""

    guid: Guid | None = None


def _is_global_rule(row: Mapping[str, Any]) -> bool:
    """Step rules come back from GET /TicketRules too; they belong to their workflow."""
    return not row.get("flowdetail_id")


TICKET_RULE = KindSpec(
    kind="TicketRule",
    model=TicketRule,
    api_path="/TicketRules",
    directory="ticket-rules",
    list_params={"excludeworkflow": True, "includecriteriainfo": True},
    detail_params={"includedetails": True},
    detail_only=frozenset(
        {"criteria_groups", "database_lookups", "events", "access_control"}
        | {"access_control_level"}
    ),
    defaults={"precedence": 50, "active": True},
    order_field="precedence",
    is_managed_row=_is_global_rule,
)
