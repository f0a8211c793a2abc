"""Judgements about workflows: where a ticket gets stuck, and where it is sent.

A step "leaves" the workflow when it is an end step or switches the ticket to another
workflow (``new_flow_id``); a ticket anywhere else must have an action to press.
"""

from __future__ import annotations

from collections.abc import Iterator
from graphlib import CycleError, TopologicalSorter

from haloform.analyze.findings import LintFinding, key
from haloform.common.paths import parse_path
from haloform.kinds import by_ref_key
from haloform.kinds.ref_fields import iter_refs
from haloform.kinds.workflow import Step, Workflow
from haloform.load.repo import Declared, Repo


def workflow_findings(repo: Repo) -> Iterator[LintFinding]:
    """Every finding about the repo's workflows and what sends tickets where."""
    inactive = {
        (item.spec.kind, item.guid): item
        for item in repo.resources
        if getattr(item.resource, "active", None) is False
    }
    for item in repo.resources:
        if isinstance(item.resource, Workflow):
            yield from _steps(item, item.resource)
        yield from _inactive_targets(repo, item, inactive)
    yield from _switch_loops(repo)


def _leaves(step: Step) -> bool:
    return bool(step.isend or step.islaststep or step.new_flow_id is not None)


def _steps(item: Declared, workflow: Workflow) -> Iterator[LintFinding]:
    """At most one finding per step: stuck there, never reached, or never finishing."""
    steps = workflow.steps or []
    edges = _edges(steps)
    start = next((step.step_id for step in steps if step.isstart), None)
    reached = _reach(edges, {start}) if start is not None else set(edges)
    finishing = _reach(_reversed(edges), {step.step_id for step in steps if _leaves(step)})
    for number, step in enumerate(steps):
        if not _leaves(step) and not step.actions and not workflow.always_allow_actions:
            rule, why = "step-no-way-out", "is not an end step and has no action: a ticket "
            why += "reaching it is stuck"
        elif step.step_id not in reached:
            rule, why = "step-unreachable", "cannot be reached from the start step by any action"
        elif step.step_id not in finishing:
            rule, why = "step-dead-end", "can never lead to an end step"
        else:
            continue
        yield LintFinding(item.at(("steps", number)), rule, f"{_name(step)} {why}", key(item))


def _edges(steps: list[Step]) -> dict[int, set[int]]:
    """step_id -> the step_ids its actions lead to (within the workflow)."""
    ids = {step.step_id for step in steps}
    return {
        step.step_id: {a.end_step for a in step.actions or [] if a.end_step in ids}
        for step in steps
    }


def _reversed(edges: dict[int, set[int]]) -> dict[int, set[int]]:
    reverse: dict[int, set[int]] = {source: set() for source in edges}
    for source, targets in edges.items():
        for target in targets:
            reverse[target].add(source)
    return reverse


def _name(step: Step) -> str:
    return f"step {step.step_id} ({step.name or 'unnamed'})"


def _reach(edges: dict[int, set[int]], starts: set[int]) -> set[int]:
    seen, todo = set(starts), list(starts)
    while todo:
        for nxt in edges.get(todo.pop(), set()) - seen:
            seen.add(nxt)
            todo.append(nxt)
    return seen


def _inactive_targets(
    repo: Repo, item: Declared, inactive: dict[tuple[str, str], Declared]
) -> Iterator[LintFinding]:
    """References from an active resource to a managed one marked ``active: false``."""
    if getattr(item.resource, "active", None) is False:
        return
    for path, ref in iter_refs(item.resource):
        spec = by_ref_key(ref.target)
        guid = repo.declared_guid(spec.kind, ref) if spec is not None else None
        target = inactive.get((spec.kind, guid)) if spec is not None and guid else None
        if target is None:
            continue
        yield LintFinding(
            item.at(parse_path(path)),
            "inactive-workflow",
            f"{path}: sends tickets to {target.name!r}, which is inactive ({target.location})",
            key(item),
            (key(target),),
        )


def _switch_targets(repo: Repo, item: Declared, workflow: Workflow) -> dict[str, int]:
    """The other workflows a workflow's steps switch tickets to: guid -> step index."""
    found: dict[str, int] = {}
    for number, step in enumerate(workflow.steps or []):
        ref = step.new_flow_id
        if ref is None or isinstance(ref, int):
            continue
        guid = repo.declared_guid(item.spec.kind, ref)
        if guid is not None and guid != item.guid:
            found.setdefault(guid, number)
    return found


def _switch_loops(repo: Repo) -> Iterator[LintFinding]:
    """Workflows whose steps hand tickets on to each other round in a circle: one
    finding per loop, at the step of its first workflow (in file order) that starts it."""
    by_guid = {item.guid: item for item in repo.resources if isinstance(item.resource, Workflow)}
    graph = {
        guid: _switch_targets(repo, item, item.resource)  # type: ignore[arg-type]
        for guid, item in by_guid.items()
    }
    done: set[str] = set()
    while True:
        remaining = {g: set(t) - done for g, t in graph.items() if g not in done}
        try:
            tuple(TopologicalSorter(remaining).static_order())
            return
        except CycleError as error:
            loop = _rotated(list(reversed(error.args[1])), list(by_guid))
        done.update(loop)
        first = by_guid[loop[0]]
        names = " -> ".join(repr(by_guid[guid].name) for guid in loop)
        yield LintFinding(
            first.at(("steps", graph[loop[0]][loop[1]], "new_flow_id")),
            "workflow-switch-loop",
            f"workflows switch tickets to each other in a loop: {names}",
            key(first),
            tuple(key(by_guid[guid]) for guid in loop[1:-1]),
        )


def _rotated(loop: list[str], order: list[str]) -> list[str]:
    """A loop ``[a, b, a]`` (in switching order) started at its first workflow in
    ``order``, so the same repo always yields the same finding."""
    ring = loop[:-1]
    start = min(range(len(ring)), key=lambda i: order.index(ring[i]))
    ring = ring[start:] + ring[:start]
    return [*ring, ring[0]]
