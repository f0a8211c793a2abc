"""What makes a workflow usable beyond its field types: a start, reachable steps,
actions and stages that point at steps that exist.

Halo accepts some of these mistakes and leaves a ticket stuck at run time, so they are
caught offline, before a tenant ever sees them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from haloform.kinds.base import Finding, Resource

if TYPE_CHECKING:
    from haloform.kinds.workflow import Workflow


def check_workflow(resource: Resource) -> Iterator[Finding]:
    """Every integrity problem of one workflow, located by field path."""
    workflow: Workflow = resource  # type: ignore[assignment]
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
    for index, step in enumerate(workflow.steps or []):
        for number, action in enumerate(step.actions or []):
            path = ("steps", index, "actions", number)
            for field in ("end_step", "start_step"):
                target = getattr(action, field)
                if target is not None and target not in ids:
                    yield Finding((*path, field), f"no step {target} in this workflow")
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
        if step.stage_number is not None and step.stage_number not in sequences:
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
                warning=True,
            )
