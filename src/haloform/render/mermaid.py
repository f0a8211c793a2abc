"""A workflow as a Mermaid flowchart, with what the plan changes coloured in.

Steps are nodes named as the admin named them (the start step a stadium, end steps
a double circle); actions are edges labelled with their outcome and time limit; a
step that switches the ticket to another workflow points at a node named after it.
For an update, added steps and actions are green, removed ones red and dashed (drawn
from the field changes that remove them), changed ones yellow. A create is drawn
plain: all of it is new.

Names come from files and tenants, so every label is quoted with Mermaid's entity
codes for the characters its grammar (or the Markdown fence around it) would read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from haloform.diff.fields import item_paths, parse_path
from haloform.kinds.halo_codes import NEXT_ITERATION, action_label
from haloform.plan.model import Action, Change
from haloform.render import rules, values

STEPS = "steps"
"""The keyed list of nodes; a resource without it has no diagram."""

CLASSES = (
    "classDef added fill:#dafbe1,stroke:#1a7f37,color:#0b3d1a",
    "classDef removed fill:#ffebe9,stroke:#cf222e,stroke-dasharray:5 5,color:#82071e",
    "classDef changed fill:#fff8c5,stroke:#9a6700,color:#4d2d00",
    "classDef workflow fill:#ddf4ff,stroke:#0969da,color:#0a3069",
    "classDef loop fill:#f6f8fa,stroke:#57606a,stroke-dasharray:3 3,color:#24292f",
)
EDGE_STYLES = {
    "added": "stroke:#1a7f37,stroke-width:2px,color:#1a7f37",
    "removed": "stroke:#cf222e,stroke-width:2px,stroke-dasharray:5 5,color:#cf222e",
    "changed": "stroke:#9a6700,stroke-width:2px,color:#9a6700",
}
_ENTITIES = {'"': "#quot;", "#": "#35;", "<": "#lt;", ">": "#gt;", "`": "#96;", "&": "#38;"}


def text(label: str) -> str:
    """A quoted Mermaid label that shows ``label`` as it is."""
    body = "".join(_ENTITIES.get(char, char) for char in values.printable(label))
    return f'"{body}"'


@dataclass
class _Graph:
    nodes: list[str] = field(default_factory=list)
    edges: list[str] = field(default_factory=list)
    classes: dict[str, list[str]] = field(default_factory=dict)
    edge_styles: dict[str, list[int]] = field(default_factory=dict)
    workflows: dict[str, str] = field(default_factory=dict)

    def node(self, node_id: str, shape: str, status: str | None) -> None:
        self.nodes.append(f"  {node_id}{shape}")
        if status:
            self.classes.setdefault(status, []).append(node_id)

    def edge(self, line: str, status: str | None) -> None:
        if status:
            self.edge_styles.setdefault(status, []).append(len(self.edges))
        self.edges.append(f"  {line}")

    def lines(self) -> Iterator[str]:
        yield "flowchart TD"
        yield from self.nodes
        yield from self.edges
        used = set(self.classes)
        yield from (f"  {line}" for line in CLASSES if line.split()[1] in used)
        for status, ids in self.classes.items():
            yield f"  class {','.join(ids)} {status}"
        for status, indexes in self.edge_styles.items():
            yield f"  linkStyle {','.join(map(str, indexes))} {EDGE_STYLES[status]}"


def diagram(change: Change) -> str | None:
    """The flowchart of a created or updated workflow; None for anything else."""
    body = values.created(change)
    steps = [step for step in body.get(STEPS) or () if isinstance(step, Mapping)]
    if change.action is Action.DELETE or not steps:
        return None
    paths = item_paths(change.spec, body)
    status = _statuses(change, paths) if change.action is Action.UPDATE else {}
    removed = _removed(change, paths) if change.action is Action.UPDATE else []
    graph = _Graph()
    known = {_step_key(step) for step in steps}
    renamed = _renamed(change, paths)
    for path, step in ((p, i) for p, i in paths.items() if i in steps):
        _step(graph, step, f"s{_step_key(step)}", status.get(path), renamed.get(path))
    for path, step, _ in removed:
        if _depth(path) == 1:
            _step(graph, step, f"x{_step_key(step)}", "removed")
    for path, item in paths.items():
        if item in steps:
            _actions(graph, item, path, paths, status, known)
    for path, action, parent in removed:
        if _depth(path) == 2 and parent is not None:
            _edge(graph, parent, action, "removed", known)
    return "\n".join(graph.lines()) + "\n"


def _depth(path: str) -> int:
    return len(parse_path(path))


def _step_key(step: Mapping[str, Any]) -> str:
    return _node_key(rules.shown(step.get("step_id")))


def _node_key(value: object) -> str:
    """A step number as part of a Mermaid node id, which takes no ``-`` or ``.``."""
    return str(value).replace(".", "_").replace("-", "m")


def _elsewhere(end_step: object) -> tuple[str, str]:
    """Where an action leads outside the workflow's steps: Halo's next iteration, or a
    step the workflow does not have (Halo stores both)."""
    if end_step == NEXT_ITERATION:
        return f"[{text('next iteration')}]", "loop"
    return f"[{text(f'no step {end_step}')}]", "removed"


def _step(
    graph: _Graph,
    step: Mapping[str, Any],
    node_id: str,
    status: str | None,
    was: str | None = None,
) -> None:
    shown = str(step.get("name") or f"step {step.get('step_id')}")
    name = text(f"{shown} (was {was})" if was else shown)
    if step.get("isstart"):
        shape = f"([{name}])"
    elif step.get("isend"):
        shape = f"((({name})))"
    else:
        shape = f"[{name}]"
    graph.node(node_id, shape, status)
    switch = step.get("new_flow_id")
    if switch:
        target = rules.shown(switch)
        flow_id = graph.workflows.setdefault(target, f"w{len(graph.workflows) + 1}")
        if f"  {flow_id}" not in "\n".join(graph.nodes):
            graph.node(flow_id, f"[/{text('switches to workflow ' + target)}/]", "workflow")
        graph.edge(f"{node_id} ==> {flow_id}", status)


def _actions(
    graph: _Graph,
    step: Mapping[str, Any],
    path: str,
    paths: Mapping[str, Mapping[str, Any]],
    status: Mapping[str, str],
    known: set[str],
) -> None:
    prefix = f"{path}.actions["
    for action_path, action in paths.items():
        if action_path.startswith(prefix) and _depth(action_path) == 2:
            _edge(graph, step, action, status.get(action_path), known)


def _edge(
    graph: _Graph,
    step: Mapping[str, Any],
    action: Mapping[str, Any],
    status: str | None,
    known: set[str],
) -> None:
    source = f"s{_step_key(step)}" if _step_key(step) in known else f"x{_step_key(step)}"
    end = _node_key(rules.shown(action.get("end_step")))
    target = f"s{end}" if end in known else f"x{end}"
    if target.startswith("x") and f"  {target}" not in "\n".join(graph.nodes):
        graph.node(target, *_elsewhere(action.get("end_step")))
    label = action_label(action) or (
        rules.shown(action.get("action_id")) if action.get("action_id") else "action"
    )
    limit = action.get("time_limit_mins")
    if isinstance(limit, int | float) and limit:
        label += f" ({_duration(limit)})"
    arrow = "-.->" if status == "removed" else "-->"
    graph.edge(f"{source} {arrow}|{text(label)}| {target}", status)


def _duration(minutes: float) -> str:
    if minutes >= 60 and minutes % 60 == 0:
        return f"{int(minutes // 60)} h"
    return f"{values.flow(minutes)} min"


def _renamed(change: Change, paths: Mapping[str, Any]) -> dict[str, str]:
    """Item path -> its old name, for items an update renames."""
    if change.action is not Action.UPDATE:
        return {}
    return {
        owner: changed.before
        for changed in change.fields
        if (owner := changed.path.removesuffix(".name")) in paths
        and changed.path.endswith(".name")
        and isinstance(changed.before, str)
    }


def _statuses(change: Change, paths: Mapping[str, Any]) -> dict[str, str]:
    """Item path -> added / changed, for the deepest item each field change is under."""
    found: dict[str, str] = {}
    for changed in change.fields:
        if changed.path in paths and changed.before is None:
            found[changed.path] = "added"
            continue
        owners = [p for p in paths if changed.path.startswith((p + ".", p + "["))]
        if owners:
            deepest = max(owners, key=len)
            found.setdefault(deepest, "changed")
    return found


def _removed(
    change: Change, paths: Mapping[str, Mapping[str, Any]]
) -> list[tuple[str, Mapping[str, Any], Mapping[str, Any] | None]]:
    """Removed steps and actions: (path, the removed item, the step it left)."""
    found = []
    for changed in change.fields:
        if changed.after is not None or not isinstance(changed.before, Mapping):
            continue
        if not changed.path.startswith(STEPS + "[") or changed.path.endswith(("[+]", "[-]")):
            continue
        parent_path = changed.path.rpartition(".")[0]
        parent = paths.get(parent_path)
        found.append((changed.path, changed.before, parent))
    return found
