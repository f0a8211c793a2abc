"""A workflow's integrity beyond field types: one start, steps that exist, steps that can
be reached. Each check is run on the smallest workflow that shows it."""

from __future__ import annotations

from typing import Any

from haloform.kinds.checks import Finding
from haloform.kinds.workflow import WORKFLOW, Workflow, check_workflow
from tests.kinds import documents


def to(end_step: int | None, **fields: Any) -> dict[str, Any]:
    """An action leading to ``end_step`` (left out when None)."""
    action: dict[str, Any] = {"action_id": {"outcome": "Next"}, **fields}
    if end_step is not None:
        action["end_step"] = end_step
    return action


def step(step_id: int, *actions: dict[str, Any], **fields: Any) -> dict[str, Any]:
    found: dict[str, Any] = {"step_id": step_id, "name": f"Step {step_id}", **fields}
    if actions:
        found["actions"] = list(actions)
    return found


def findings(*steps: dict[str, Any], stages: list[dict[str, Any]] | None = None) -> list[Finding]:
    document: dict[str, Any] = {
        "kind": "Workflow",
        "guid": documents.WORKFLOW_GUID,
        "name": "W",
        "steps": list(steps),
    }
    if stages is not None:
        document["stages"] = stages
    return list(check_workflow(Workflow.model_validate(document)))


def test_a_sound_workflow_has_no_findings() -> None:
    assert list(check_workflow(Workflow.model_validate(documents.workflow()))) == []


def test_the_workflow_kind_runs_this_check() -> None:
    assert WORKFLOW.check is check_workflow


def test_a_straight_line_from_the_start_is_sound() -> None:
    assert findings(step(1, to(2), isstart=True), step(2, to(3)), step(3, isend=True)) == []


def test_a_workflow_without_steps_is_not_checked() -> None:
    """Only the header is managed then: there is no start to look for."""
    assert findings() == []


def test_a_workflow_needs_a_start_step() -> None:
    assert findings(step(1, to(2)), step(2)) == [
        Finding(("steps",), "no step has 'isstart: true'; a workflow needs one start")
    ]


def test_isstart_false_is_no_start() -> None:
    assert findings(step(1, isstart=False)) == [
        Finding(("steps",), "no step has 'isstart: true'; a workflow needs one start")
    ]


def test_each_start_after_the_first_is_reported_at_its_own_step() -> None:
    result = findings(
        step(1, to(2), isstart=True), step(2, to(3), isstart=True), step(3, isstart=True)
    )
    assert result == [
        Finding(("steps", 1, "isstart"), "a second start step (step 1 is the first)"),
        Finding(("steps", 2, "isstart"), "a second start step (step 1 is the first)"),
    ]


DANGLING = ": Halo keeps the action, but pressing it leads nowhere"


def test_an_action_leading_to_a_missing_step_is_a_warning() -> None:
    """Halo stores such an action (a runbook it ships has one): what Halo stores must
    validate, so it is a warning, never an error (issue 20)."""
    result = findings(step(1, to(2), to(9), isstart=True), step(2))
    assert result == [
        Finding(
            ("steps", 0, "actions", 1, "end_step"),
            "no step 9 in this workflow" + DANGLING,
            code="dangling-step",
        ),
    ]


def test_an_action_starting_from_a_missing_step_is_a_warning() -> None:
    result = findings(step(1, to(2, start_step=7), isstart=True), step(2))
    assert result == [
        Finding(
            ("steps", 0, "actions", 0, "start_step"),
            "no step 7 in this workflow" + DANGLING,
            code="dangling-step",
        ),
    ]


def test_the_next_iteration_is_a_target_of_its_own() -> None:
    """``end_step: -98`` is Halo's "next iteration" of an iterating automation step."""
    assert findings(step(1, to(2), to(-98), isstart=True), step(2)) == []


def test_stage_number_zero_is_no_stage() -> None:
    """Halo answers ``stage_number: 0`` on every step of a workflow without stages."""
    assert findings(step(1, to(2), isstart=True, stage_number=0), step(2, stage_number=0)) == []


def test_an_action_needs_an_end_step() -> None:
    result = findings(step(1, to(2), to(None), isstart=True), step(2))
    assert result == [
        Finding(("steps", 0, "actions", 1), "an action needs 'end_step' (the step it leads to)"),
    ]


def test_a_stage_outcome_step_must_exist() -> None:
    stages = [{"sequence": 1, "outcome_step": 1}, {"sequence": 2, "outcome_step": 5}]
    result = findings(step(1, isstart=True), stages=stages)
    assert result == [Finding(("stages", 1, "outcome_step"), "no step 5 in this workflow")]


def test_a_step_stage_number_must_be_a_stage_sequence() -> None:
    stages = [{"sequence": 1}, {"sequence": 2}]
    result = findings(
        step(1, to(2), isstart=True, stage_number=2), step(2, stage_number=3), stages=stages
    )
    assert result == [Finding(("steps", 1, "stage_number"), "no stage with sequence 3")]


def test_a_stage_number_without_any_stage() -> None:
    result = findings(step(1, isstart=True, stage_number=1))
    assert result == [Finding(("steps", 0, "stage_number"), "no stage with sequence 1")]


def test_a_step_no_action_leads_to_is_a_warning() -> None:
    result = findings(step(1, to(2), isstart=True), step(2), step(3, to(2)))
    assert result == [
        Finding(
            ("steps", 2, "step_id"),
            "step 3 (Step 3) cannot be reached from the start step by any action",
            code="unreachable-step",
        )
    ]


def test_reachability_follows_actions_through_loops() -> None:
    result = findings(
        step(1, to(2), isstart=True),
        step(2, to(3)),
        step(3, to(2), to(4)),
        step(4),
        step(5, to(1), name=None),
    )
    assert result == [
        Finding(
            ("steps", 4, "step_id"),
            "step 5 (unnamed) cannot be reached from the start step by any action",
            code="unreachable-step",
        )
    ]


def test_the_start_may_be_any_step_in_the_list() -> None:
    assert findings(step(1), step(2, to(1), isstart=True)) == []


def test_reachability_is_only_judged_once_there_is_a_start() -> None:
    """Without a start every step would be 'unreachable': one message says it all."""
    result = findings(step(1, to(2)), step(2), step(3))
    assert [finding.path for finding in result] == [("steps",)]


def test_an_action_to_a_missing_step_does_not_make_it_reachable() -> None:
    result = findings(step(1, to(9), isstart=True), step(2))
    assert [(finding.path, finding.code is not None) for finding in result] == [
        (("steps", 0, "actions", 0, "end_step"), True),
        (("steps", 1, "step_id"), True),
    ]


def test_every_problem_of_one_workflow_is_found_at_once() -> None:
    result = findings(
        step(1, to(None), isstart=True, stage_number=4),
        step(2, to(8), isstart=True),
        stages=[{"sequence": 1, "outcome_step": 6}],
    )
    assert [(finding.path, finding.code is not None) for finding in result] == [
        (("steps", 1, "isstart"), False),
        (("steps", 0, "actions", 0), False),
        (("steps", 1, "actions", 0, "end_step"), True),
        (("stages", 0, "outcome_step"), False),
        (("steps", 0, "stage_number"), False),
        (("steps", 1, "step_id"), True),
    ]
