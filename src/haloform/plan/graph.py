"""The order an apply runs in, and what to do about reference cycles.

Nodes are resource keys (``Workflow/<guid>``); a change's ``depends_on`` are its edges
(the planner fills them from ``resolve.edges``: a create's or update's from its file,
a delete's from the live record, since what must go first is what the tenant holds).
A dependency on a key the plan does not touch is no edge: that resource exists already.

Two consumers, one function each:

- The planner calls ``break_cycles(changes, strip)`` once, before it freezes the plan.
  A cycle among creates and updates (workflow A switches tickets to B, B to A) is cut
  at one edge, so the plan it returns always has an order:

  - an edge into a resource that already exists (an update) is only an ordering
    constraint, not a need: the reference resolves to the live id either way. It is
    dropped from ``depends_on``; nothing is deferred and no extra request is spent;
  - when every resource of the cycle is new, ``strip(change, keys)`` is called: the
    planner's callback returns the change with its references to ``keys`` moved into
    ``Change.deferred`` (and out of ``depends_on``). The create goes out without them;
    a second, update pass sends them once every resource of the cycle exists. A strip
    that cannot do so (the reference is needed at create) leaves the key in
    ``depends_on``, and the cycle is reported as a ``PlanError`` naming its path.

  A cycle among deletes (A switches to B, B to A: Halo deletes neither while the
  other uses it) is cut at the first change's (by sort key) reference: the planner's
  ``detach(change, keys)`` returns the delete carrying the update that drops its
  references to ``keys`` (``Change.payload``, sent before any delete), with the keys
  out of ``depends_on``. Without one, the cycle is a ``PlanError`` naming its path.

  The cycles it found come back with the changes, for the plan's warnings
  (``Cycle.two_pass`` tells a deferral from a dropped ordering edge, ``detached`` a
  cycle among deletes).
- The applier calls ``apply_levels(changes)``: creates and updates level by level in
  dependency order, then deletes level by level in reverse (a rule that uses a
  workflow is deleted before the workflow). Among creates and updates only a create
  is waited for: a resource that exists already has its id, so a rule that sets a
  workflow the plan merely updates goes out in the same level as it. A level is never
  mixed: the first level whose changes are deletes starts the deletes, and the
  applier sends the changes' ``deferred`` fields in its second pass, then the
  deletes' detaching updates, just before it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from graphlib import CycleError, TopologicalSorter

from haloform.errors import PlanError
from haloform.plan.model import Action, Change

Strip = Callable[[Change, frozenset[str]], Change]
"""The planner's: ``change`` with its references to these keys moved into ``deferred``."""

Graph = dict[str, set[str]]
"""Key -> the keys it must wait for."""


@dataclass(frozen=True)
class Cycle:
    """Resources that refer to each other in a loop, in reference order."""

    keys: tuple[str, ...]
    """``A, B, A``: A refers to B, B to A (closed: the first key is repeated last)."""
    shown: tuple[str, ...]
    """The same, as a reader knows them: ``Workflow/Incident Lifecycle``."""
    two_pass: bool = False
    """Whether cutting it defers references to a second pass (every resource in it is
    new); otherwise a reference into an existing resource was only an ordering edge."""
    detached: bool = False
    """A cycle among deletes: one side is updated first to drop its reference."""
    cut: tuple[str, str] | None = None
    """The reference done without: ``(source, target)`` keys."""

    def __str__(self) -> str:
        return " -> ".join(self.shown)


@dataclass(frozen=True)
class Untangled:
    """What ``break_cycles`` returns: changes that have an order, and what it took."""

    changes: tuple[Change, ...]
    cycles: tuple[Cycle, ...]


def apply_levels(changes: Sequence[Change]) -> list[list[Change]]:
    """Creates and updates in dependency order, then deletes in reverse; each level's
    changes depend on nothing in their own or a later level (sorted by ``sort_key``)."""
    upserts = [change for change in changes if change.action is not Action.DELETE]
    deletes = [change for change in changes if change.action is Action.DELETE]
    return _levels(upserts, reverse=False, into=Action.CREATE) + _levels(deletes, reverse=True)


def break_cycles(changes: Sequence[Change], strip: Strip, detach: Strip | None = None) -> Untangled:
    """``changes`` with every cycle cut: among creates and updates by ``strip``, among
    deletes by ``detach`` (see the module)."""
    upserts = _by_key([change for change in changes if change.action is not Action.DELETE])
    deletes = _by_key([change for change in changes if change.action is Action.DELETE])
    cuts, cycles = _cuts(upserts, _edge_to_cut)
    delete_cuts, delete_cycles = _cuts(deletes, _first_edge)
    cycles = [replace(c, two_pass=_target_is_new(c, upserts)) for c in cycles]
    cycles += [replace(c, detached=True) for c in delete_cycles]
    cut = [
        _detached(change, delete_cuts.get(change.key, {}), detach)
        if change.action is Action.DELETE
        else _cut(change, cuts.get(change.key, {}), upserts, strip)
        for change in changes
    ]
    return Untangled(tuple(cut), tuple(cycles))


def _cuts(
    by_key: Mapping[str, Change], choose: Callable[[Cycle, Mapping[str, Change]], tuple[str, str]]
) -> tuple[dict[str, dict[str, Cycle]], list[Cycle]]:
    """Cut one edge of each cycle among ``by_key`` until none is left: per source key,
    the targets it must do without (with the cycle that made it so)."""
    graph = _graph(by_key.values(), reverse=False)
    cuts: dict[str, dict[str, Cycle]] = {}
    cycles: list[Cycle] = []
    while (cycle := _find_cycle(graph, by_key)) is not None:
        source, target = choose(cycle, by_key)
        cycle = replace(cycle, cut=(source, target))
        graph[source].discard(target)
        cuts.setdefault(source, {})[target] = cycle
        cycles.append(cycle)
    return cuts, cycles


def _target_is_new(cycle: Cycle, by_key: Mapping[str, Change]) -> bool:
    return cycle.cut is not None and by_key[cycle.cut[1]].action is Action.CREATE


def _first_edge(cycle: Cycle, by_key: Mapping[str, Change]) -> tuple[str, str]:
    """Among deletes, the first change's (by sort key) reference to the next."""
    return cycle.keys[0], cycle.keys[1]


def _detached(change: Change, cuts: Mapping[str, Cycle], detach: Strip | None) -> Change:
    """A delete whose references to ``cuts`` are dropped by an update sent first."""
    if not cuts:
        return change
    detached = detach(change, frozenset(cuts)) if detach is not None else change
    blocked = sorted(frozenset(cuts) & set(detached.depends_on))
    if blocked:
        raise PlanError(
            f"cannot order the deletes of a reference cycle {cuts[blocked[0]]}: "
            "remove one of the references first"
        )
    return detached


def _levels(
    changes: Sequence[Change], *, reverse: bool, into: Action | None = None
) -> list[list[Change]]:
    """``changes`` in waves; with ``into``, only a dependency doing that is waited for."""
    by_key = _by_key(changes)
    sorter = _sorter(_graph(changes, reverse=reverse, into=into))
    try:
        sorter.prepare()
    except CycleError as error:
        cycle = _cycle(error, by_key, reverse=reverse)
        if reverse:
            raise PlanError(
                f"cannot order the deletes of a reference cycle {cycle}: "
                "remove one of the references first"
            ) from None
        raise PlanError(f"reference cycle {cycle}: plan again to break it") from None
    levels: list[list[Change]] = []
    while sorter.is_active():
        ready = sorter.get_ready()
        levels.append(sorted((by_key[key] for key in ready), key=Change.sort_key))
        sorter.done(*ready)
    return levels


def _by_key(changes: Iterable[Change]) -> dict[str, Change]:
    by_key: dict[str, Change] = {}
    for change in sorted(changes, key=Change.sort_key):
        if change.key in by_key:
            raise PlanError(f"{change.key} is changed twice in one plan")
        by_key[change.key] = change
    return by_key


def _graph(changes: Iterable[Change], *, reverse: bool, into: Action | None = None) -> Graph:
    """What each change waits for; reversed, a dependency waits for its dependents.
    With ``into``, only edges into changes of that action count."""
    changes = list(changes)
    keys = {change.key for change in changes if into is None or change.action is into}
    graph: Graph = {change.key: set() for change in changes}
    for change in changes:
        for dependency in set(change.depends_on) & keys - {change.key}:
            if reverse:
                graph[dependency].add(change.key)
            else:
                graph[change.key].add(dependency)
    return graph


def _sorter(graph: Graph) -> TopologicalSorter[str]:
    """A sorter fed in a fixed order, so the cycle it reports is the same every run."""
    return TopologicalSorter({key: sorted(graph[key]) for key in sorted(graph)})


def _find_cycle(graph: Graph, by_key: Mapping[str, Change]) -> Cycle | None:
    try:
        _sorter(graph).prepare()
    except CycleError as error:
        return _cycle(error, by_key, reverse=False)
    return None


def _cycle(error: CycleError, by_key: Mapping[str, Change], *, reverse: bool) -> Cycle:
    """The cycle graphlib found, in reference order, from its first change by sort key.

    graphlib lists each node before the one that waits for it; without ``reverse`` that
    is the referenced one first, so the list is turned round to read as references."""
    found: list[str] = list(error.args[1])[:-1]
    loop = found if reverse else found[::-1]
    start = min(range(len(loop)), key=lambda i: by_key[loop[i]].sort_key())
    keys = (*loop[start:], *loop[:start], loop[start])
    shown = tuple(f"{by_key[key].kind}/{by_key[key].name}" for key in keys)
    return Cycle(keys, shown)


def _edge_to_cut(cycle: Cycle, by_key: Mapping[str, Change]) -> tuple[str, str]:
    """The reference to do without for now: one into a resource that exists already
    costs nothing; otherwise the first change's (by sort key) reference to the next."""
    edges = list(zip(cycle.keys, cycle.keys[1:], strict=False))
    existing = [edge for edge in edges if by_key[edge[1]].action is Action.UPDATE]
    return (existing or edges)[0]


def _cut(
    change: Change, cuts: Mapping[str, Cycle], by_key: Mapping[str, Change], strip: Strip
) -> Change:
    if not cuts:
        return change
    existing = {key for key in cuts if by_key[key].action is Action.UPDATE}
    if existing:
        kept = tuple(key for key in change.depends_on if key not in existing)
        change = change.model_copy(update={"depends_on": kept})
    deferred = frozenset(cuts) - existing
    if not deferred:
        return change
    stripped = strip(change, deferred)
    blocked = sorted(deferred & set(stripped.depends_on))
    if blocked:
        target = by_key[blocked[0]]
        raise PlanError(
            f"reference cycle {cuts[target.key]}: {change.kind} {change.name!r} cannot be "
            f"created without its reference to {target.kind} {target.name!r}"
        )
    return stripped
