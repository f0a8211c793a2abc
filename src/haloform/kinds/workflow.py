"""Workflows (Halo's FlowHeader): the steps a ticket moves through, the actions
(buttons) that move it, stages, targets, and the rules that run at each step.

A workflow owns all of that: steps are keyed by ``step_id`` inside their workflow (the
database key ``fdid`` is Halo's), and an action names its end step by that ``step_id``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from haloform.kinds.base import (
    UNORDERED,
    HaloModel,
    KeyedBy,
    KindSpec,
    Passthrough,
    Resource,
    UnorderedPassthrough,
)
from haloform.kinds.criteria import CriteriaGroupList, CriteriaList, RestrictionList
from haloform.kinds.refs import OutcomeRef, TemplateRef, TenantId, TicketTypeRef, WorkflowRef
from haloform.kinds.target import TargetList
from haloform.kinds.ticket_rule import StepRule
from haloform.kinds.workflow_checks import check_workflow


class Action(HaloModel):
    """A button on a step: pressing it runs an Outcome and moves the ticket to
    ``end_step``. Matched inside its step by (``action_id``, ``end_step``), since one
    outcome may lead to different steps under different conditions."""

    halo_schema = "FlowSubDetail"
    server_owned = frozenset(
        {"id", "flow_id", "chatprofile_id"}
        # the Outcome's own fields, joined in beside each outcome reference
        | {"action_guid", "action_name", "action_colour", "action_outcome"}
        | {"time_limit_action_guid", "time_limit_action_name"}
        | {"automation_action_guid", "automation_action_name", "automation_runbook_name"}
        | {"todo_group_name"}
    )

    action_id: OutcomeRef | TenantId | None = None
    start_step: int | None = None
    """Defaults to the step the action sits in."""
    end_step: int | None = None
    """The ``step_id`` of the step the ticket moves to."""
    seq: int | None = None
    """Display order of the buttons on a step."""
    action_type: int | None = None
    time_limit_mins: float | None = None
    use_work_hours: bool | None = None
    time_limit_action_id: OutcomeRef | TenantId | None = None
    """Pressed automatically when ``time_limit_mins`` runs out."""
    automation_type: int | None = None
    automation_action_id: OutcomeRef | TenantId | None = None
    automation_runbook_id: str | None = None
    automation_execution_type: int | None = None
    approval_result: int | None = None
    restricted: bool | None = None
    conditions: CriteriaList | None = None
    conditions_exec: CriteriaList | None = None
    restrictions: RestrictionList | None = None
    group_restrictions: CriteriaGroupList | None = None
    todo_group_id: int | None = None
    number_of_days: int | None = None
    date_field_id: int | None = None
    chat_selection_order: int | None = None
    old_diagram_startpos: int | None = None
    old_diagram_endpos: int | None = None
    translations: UnorderedPassthrough | None = None


class Step(HaloModel):
    """A step of the workflow (FlowDetail)."""

    halo_schema = "FlowDetail"
    server_owned = frozenset(
        {"fdid", "flow_id", "chatprofile_id", "pipeline_stage_name", "auto_action_type_guid"}
    )

    step_id: int = Field(ge=1)
    """The step's number inside its workflow: what actions' ``end_step`` name."""
    name: str | None = None
    isstart: bool | None = None
    isend: bool | None = None
    islaststep: bool | None = None
    allowstartoverride: bool | None = None
    stage_number: int | None = None
    steptype: int | None = None
    new_flow_id: WorkflowRef | TenantId | None = None
    """Switch the ticket to another workflow on reaching this step."""
    actions: Annotated[list[Action], KeyedBy(("action_id", "end_step"))] | None = None
    step_conditions: CriteriaList | None = None
    rules: Annotated[list[StepRule], KeyedBy(("name",))] | None = None
    """Ticket rules that run while a ticket is at this step."""
    allow_all_statuses: bool | None = None
    allowed_statuses: UnorderedPassthrough | None = None
    """Item shape unpublished (FlowDetailStatus): kept as written."""

    message: str | None = Field(default=None, max_length=4000)
    message2: str | None = Field(default=None, max_length=4000)
    message3: str | None = Field(default=None, max_length=4000)
    content: str | None = Field(default=None, max_length=4000)
    note: str | None = Field(default=None, max_length=500)
    show_note_on_diagram: bool | None = None
    hide_progress_with_html_type: int | None = None
    html_to_show_on_progress: str | None = Field(default=None, max_length=1000)
    duration: int | None = None
    notifications: UnorderedPassthrough | None = None

    newticket_type: int | None = None
    newticket_tickettype_id: TicketTypeRef | TenantId | None = None
    newticket_template_id: TemplateRef | TenantId | None = None
    newticket_service_id: int | None = None
    newticket_sendlink: bool | None = None

    auto_action: int | None = None
    auto_action_type: int | None = None
    input_field_id: int | None = None
    pipeline_stage_id: int | None = None
    overrideprobabiliywhenatthisstep: bool | None = None
    probabilityoverridevalue: float | None = None
    iteration_type: int | None = None
    iteration_batch_size: int | None = None
    use_batch_response: bool | None = None
    encrypt_response_body: bool | None = None
    fetch_local_storage_data: bool | None = None
    start_new_runbook_id: str | None = None
    output_variables: Passthrough | None = None
    runbook_variable_mappings: Passthrough | None = None
    uri_params: Passthrough | None = None

    ai_model: str | None = Field(default=None, max_length=50)
    ai_failure_step: int | None = None
    virtual_agent_id: str | None = Field(default=None, max_length=50)
    start_new_chat_flow_id: str | None = None
    chat_image_type: int | None = None
    chat_teams: UnorderedPassthrough | None = None
    chat_input_suggestions: Passthrough | None = None
    chat_step_questions: Passthrough | None = None
    enable_feedback_comments: bool | None = None
    feedback_message_before_comments: str | None = None
    feedback_message_after: str | None = None
    old_diagram_x: int | None = None
    old_diagram_y: int | None = None
    translations: UnorderedPassthrough | None = None

    def _complete_payload(self, payload: dict[str, Any]) -> None:
        """Halo's own answers carry each action's ``start_step``; sending it keeps a
        plan after an apply empty."""
        for action in payload.get("actions", []):
            action.setdefault("start_step", self.step_id)


class Stage(HaloModel):
    """A stage groups steps for reporting (FlowStages); matched by ``sequence``."""

    halo_schema = "FlowStages"
    server_owned = frozenset({"id", "flow_id"})

    sequence: int
    name: str | None = None
    outcome_step: int | None = None
    edit_outcome: int | None = None
    translations: UnorderedPassthrough | None = None


class Workflow(Resource):
    """A workflow: a document of its own, identified by guid, referable by name."""

    halo_schema = "FlowHeader"
    server_owned = frozenset({"id", "intent", "_warning", "in_use", "workflow_history", "is_clone"})

    kind: Literal["Workflow"] = "Workflow"
    note: str | None = None
    active: bool | None = None
    notinuse: bool | None = None
    steps: Annotated[list[Step], KeyedBy(("step_id",))] | None = None
    stages: Annotated[list[Stage], KeyedBy(("sequence",))] | None = None
    always_allow_actions: Annotated[list[OutcomeRef | TenantId], UNORDERED] | None = None
    """Outcomes available at every step, e.g. ``[{outcome: Add Note}]``. Halo sends
    whole Outcome objects; files name them, and Halo is sent ``{id: ...}`` for each."""
    targets: TargetList | None = None
    flow_chart_json: str | None = None
    access_control: UnorderedPassthrough | None = None
    access_control_level: int | None = None

    def _complete_payload(self, payload: dict[str, Any]) -> None:
        if "always_allow_actions" in payload:
            payload["always_allow_actions"] = [
                {"id": outcome} for outcome in payload["always_allow_actions"]
            ]


WORKFLOW = KindSpec(
    kind="Workflow",
    model=Workflow,
    api_path="/Workflow",
    directory="workflows",
    ref_key="workflow",
    list_params={"includeinactive": True},
    detail_params={"includedetails": True},
    detail_only=frozenset(
        {"steps", "stages", "targets", "always_allow_actions", "flow_chart_json", "access_control"}
    ),
    defaults={"active": True, "notinuse": False},
    check=check_workflow,
    in_use_field="in_use",
)
