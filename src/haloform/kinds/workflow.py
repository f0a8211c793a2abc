"""Workflows (Halo's FlowHeader): the steps a ticket moves through, the actions
(buttons) that move it, stages, targets, and the rules that run at each step.

A workflow owns all of that: steps are keyed by ``step_id`` inside their workflow (the
database key ``fdid`` is Halo's), and an action names its end step by that ``step_id``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import Field

from haloform.kinds.base import (
    UNORDERED,
    HaloModel,
    KeyedBy,
    Passthrough,
    Resource,
    UnorderedPassthrough,
)
from haloform.kinds.checks import ChildList, Finding
from haloform.kinds.criteria import CriteriaGroupList, CriteriaList, RestrictionList
from haloform.kinds.halo_codes import NEXT_ITERATION
from haloform.kinds.refs import Guid, LookupOf, LookupRef, TenantId, WorkflowRef
from haloform.kinds.spec import KindSpec
from haloform.kinds.ticket_rule import StepRule
from haloform.kinds.workflow_target import TargetList


class Action(HaloModel):
    """A button on a step: pressing it runs an Outcome and moves the ticket to
    ``end_step``. Matched inside its step by (``action_id``, ``end_step``), since one
    outcome may lead to different steps under different conditions, and by
    ``approval_result`` where it is set: an automation step's Successful and
    Unsuccessful results may lead to the same step."""

    halo_schema = "FlowSubDetail"
    server_owned = frozenset(
        {"id", "flow_id", "chatprofile_id"}
        # the Outcome's own fields, joined in beside each outcome reference
        | {"action_guid", "action_name", "action_colour", "action_outcome"}
        | {"time_limit_action_guid", "time_limit_action_name"}
        | {"automation_action_guid", "automation_action_name", "automation_runbook_name"}
        | {"todo_group_name"}
    )
    zero_unset = frozenset(
        {"time_limit_mins", "use_work_hours", "automation_type", "automation_execution_type"}
        | {"approval_result", "restricted", "todo_group_id", "number_of_days", "date_field_id"}
        | {"chat_selection_order", "old_diagram_startpos", "old_diagram_endpos"}
        | {"auto_seq", "flow_type"}
    )
    observed = frozenset({"auto_seq", "automation_approval_name", "flow_type"})

    action_id: Annotated[LookupRef, LookupOf("outcome")] | TenantId | None = None
    """The Outcome the button runs; on an automation step, one of Halo's own negative
    result codes (``-29``: an SQL result), the same on every tenant
    (``kinds.system_codes``)."""
    start_step: int | None = None
    """Defaults to the step the action sits in."""
    end_step: int | None = None
    """The ``step_id`` of the step the ticket moves to; ``-98`` is "the next
    iteration" of an iterating automation step. Halo also stores one that names no
    step, so validate only warns about it."""
    seq: int | None = None
    """Display order of the buttons on a step."""
    action_type: int | None = None
    time_limit_mins: float | None = None
    use_work_hours: bool | None = None
    time_limit_action_id: Annotated[LookupRef, LookupOf("outcome")] | TenantId | None = None
    """Pressed automatically when ``time_limit_mins`` runs out."""
    automation_type: int | None = None
    automation_action_id: Annotated[LookupRef, LookupOf("outcome")] | TenantId | None = None
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
    auto_seq: int | None = None
    automation_approval_name: str | None = None
    flow_type: int | None = None


class Step(HaloModel):
    """A step of the workflow (FlowDetail)."""

    halo_schema = "FlowDetail"
    server_owned = frozenset({"fdid", "flow_id", "chatprofile_id", "pipeline_stage_name"})
    zero_unset = frozenset(
        {"isstart", "isend", "islaststep", "allowstartoverride", "allow_all_statuses"}
        | {"show_note_on_diagram", "duration", "newticket_type", "newticket_service_id"}
        | {"newticket_sendlink", "auto_action", "auto_action_type", "input_field_id"}
        | {"pipeline_stage_id", "iteration_type", "iteration_batch_size", "stage_number"}
        | {"hide_progress_with_html_type", "chat_image_type", "flow_type"}
        | {"search_restriction_type"}
    )
    # Halo answers "no switch" as -1 and an unbatched iteration as batches of 1
    unset_values = {"new_flow_id": (-1,), "iteration_batch_size": (1,)}
    identified_by_guid = {"auto_action_type": "auto_action_type_guid"}
    observed = frozenset(
        {"guid", "ai_ability_id", "input_values", "flow_type", "search_restriction_type"}
        | {"criteria_groups"}
    )

    step_id: int = Field(ge=1)
    """The step's number inside its workflow: what actions' ``end_step`` name."""
    guid: Guid | None = None
    """Halo's identity of the step row."""
    name: str | None = None
    isstart: bool | None = None
    isend: bool | None = None
    islaststep: bool | None = None
    allowstartoverride: bool | None = None
    stage_number: int | None = None
    """The ``sequence`` of the step's stage; Halo answers 0 for none."""
    steptype: int | None = None
    new_flow_id: WorkflowRef | TenantId | None = None
    """Switch the ticket to another workflow on reaching this step."""
    actions: (
        Annotated[
            list[Action],
            KeyedBy(
                ("action_id", "end_step", "approval_result"),
                refers=(("end_step", "steps"),),
                quiet=("approval_result",),
            ),
        ]
        | None
    ) = None
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
    newticket_tickettype_id: Annotated[LookupRef, LookupOf("tickettype")] | TenantId | None = None
    newticket_template_id: Annotated[LookupRef, LookupOf("template")] | TenantId | None = None
    newticket_service_id: int | None = None
    newticket_sendlink: bool | None = None

    auto_action: int | None = None
    auto_action_type: int | None = None
    """With ``auto_action: 6``, the integration method the step calls: a TENANT id,
    answered with its portable identity ``auto_action_type_guid`` beside it. Export
    writes the guid instead, and plan finds each tenant's id by it. Without a guid
    (other ``auto_action`` kinds) its meaning is unpublished: kept as a number."""
    auto_action_type_guid: Guid | None = None
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
    ai_ability_id: str | None = None
    """The AI agent a step calls, by its guid."""
    input_values: Passthrough | None = None
    """What an AI agent step passes to the agent's parameters."""
    flow_type: int | None = None
    search_restriction_type: int | None = None
    criteria_groups: CriteriaGroupList | None = None
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
    zero_unset = frozenset({"type", "edit_outcome"})
    observed = frozenset({"guid", "type"})

    sequence: int
    guid: Guid | None = None
    """Halo's identity of the stage row."""
    name: str | None = None
    type: int | None = None
    outcome_step: int | None = None
    edit_outcome: int | None = None
    translations: UnorderedPassthrough | None = None


class Workflow(Resource):
    """A workflow: a document of its own, identified by guid, referable by name."""

    halo_schema = "FlowHeader"
    server_owned = frozenset({"id", "intent", "_warning", "in_use", "workflow_history", "is_clone"})
    zero_unset = frozenset({"notinuse"})

    kind: Literal["Workflow"] = "Workflow"
    note: str | None = None
    active: bool | None = None
    notinuse: bool | None = None
    steps: Annotated[list[Step], KeyedBy(("step_id",), label="name")] | None = None
    stages: Annotated[list[Stage], KeyedBy(("sequence",), label="name")] | None = None
    always_allow_actions: (
        Annotated[list[Annotated[LookupRef, LookupOf("outcome")] | TenantId], UNORDERED] | None
    ) = None
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


# --- integrity checks ------------------------------------------------------------------


def check_workflow(resource: Resource) -> Iterator[Finding]:
    """Every integrity problem of one workflow, located by field path: a start,
    reachable steps, actions and stages that point at steps that exist. Halo accepts
    some of these mistakes and leaves a ticket stuck at run time, so they are caught
    offline, before a tenant ever sees them."""
    if not isinstance(resource, Workflow):
        raise TypeError(f"not a workflow: {type(resource).__name__}")
    workflow = resource
    steps = workflow.steps or []
    if not steps:
        return
    ids = {step.step_id: index for index, step in enumerate(steps)}
    yield from _starts(workflow)
    yield from _dangling_actions(workflow, ids)
    yield from _stages(workflow, ids)
    yield from _unreachable(workflow, ids)


def _starts(workflow: Workflow) -> Iterator[Finding]:
    starts = [index for index, step in enumerate(workflow.steps or []) if step.isstart]
    if not starts:
        yield Finding(("steps",), "no step has 'isstart: true'; a workflow needs one start")
    for index in starts[1:]:
        first = (workflow.steps or [])[starts[0]].step_id
        yield Finding(
            ("steps", index, "isstart"), f"a second start step (step {first} is the first)"
        )


def _dangling_actions(workflow: Workflow, ids: dict[int, int]) -> Iterator[Finding]:
    """Halo stores an action leading to no step (a runbook it ships has one): a
    warning, not an error, since what Halo stores must plan and round-trip."""
    for index, step in enumerate(workflow.steps or []):
        for number, action in enumerate(step.actions or []):
            path = ("steps", index, "actions", number)
            for field in ("end_step", "start_step"):
                target = getattr(action, field)
                if target is not None and target not in ids and target != NEXT_ITERATION:
                    yield Finding(
                        (*path, field),
                        f"no step {target} in this workflow: Halo keeps the action, but "
                        "pressing it leads nowhere",
                        code="dangling-step",
                    )
            if action.end_step is None:
                yield Finding((*path,), "an action needs 'end_step' (the step it leads to)")


def _stages(workflow: Workflow, ids: dict[int, int]) -> Iterator[Finding]:
    sequences = {stage.sequence for stage in workflow.stages or []}
    for index, stage in enumerate(workflow.stages or []):
        if stage.outcome_step is not None and stage.outcome_step not in ids:
            yield Finding(
                ("stages", index, "outcome_step"), f"no step {stage.outcome_step} in this workflow"
            )
    for index, step in enumerate(workflow.steps or []):
        if step.stage_number and step.stage_number not in sequences:
            yield Finding(
                ("steps", index, "stage_number"), f"no stage with sequence {step.stage_number}"
            )


def _unreachable(workflow: Workflow, ids: dict[int, int]) -> Iterator[Finding]:
    steps = workflow.steps or []
    start = next((step.step_id for step in steps if step.isstart), None)
    if start is None:
        return
    edges = {
        step.step_id: {a.end_step for a in step.actions or [] if a.end_step in ids}
        for step in steps
    }
    seen, todo = {start}, [start]
    while todo:
        for nxt in edges[todo.pop()] - seen:
            seen.add(nxt)
            todo.append(nxt)
    for step in steps:
        if step.step_id not in seen:
            yield Finding(
                ("steps", ids[step.step_id], "step_id"),
                f"step {step.step_id} ({step.name or 'unnamed'}) cannot be reached from the "
                "start step by any action",
                code="unreachable-step",
            )


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
    # FACTS: GET /workflowstep carries every step with its flow_id and actions; that
    # it carries step rules is not confirmed.
    child_lists=(
        ChildList(
            "steps",
            "/workflowstep",
            "flow_id",
            {"includecriteriainfo": True},
            may_lack=frozenset({"actions", "rules"}),
        ),
    ),
    defaults={"active": True, "notinuse": False},
    check=check_workflow,
    automations=True,
    in_use_field="in_use",
)
