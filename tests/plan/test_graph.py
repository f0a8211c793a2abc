"""Apply order: references first, deletes in reverse, and cycles cut or reported."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from haloform.errors import PlanError
from haloform.kinds import Resource, by_kind
from haloform.plan.graph import Untangled, apply_levels, break_cycles
from haloform.plan.model import Action, Change, resource_key
from haloform.resolve.edges import dependencies
from tests.kinds import documents


def guid(n: int) -> str:
    return str(uuid.UUID(int=n + 1))


def workflow(n: int, name: str, *switches_to: int) -> Resource:
    """A workflow whose steps switch tickets to the given workflows."""
    steps = [{"step_id": 1, "name": "Start", "isstart": True}]
    steps += [
        {
            "step_id": i + 2,
            "name": f"To {target}",
            "new_flow_id": {"workflow": {"guid": guid(target)}},
        }
        for i, target in enumerate(switches_to)
    ]
    document = {"kind": "Workflow", "guid": guid(n), "name": name, "steps": steps}
    spec = by_kind("Workflow")
    assert spec is not None
    return spec.parse(document)


def change(resource: Resource, action: Action = Action.CREATE) -> Change:
    """The change the planner would make, its edges from ``resolve.edges``."""
    depends_on = sorted(resource_key(d.kind, d.guid) for d in dependencies(resource) if d.guid)
    return Change(
        action=action,
        kind=resource.kind,
        guid=resource.guid,
        name=resource.name,
        depends_on=tuple(depends_on),
    )


def bare(name: str, action: Action = Action.CREATE, *depends_on: str) -> Change:
    return Change(action=action, kind="Workflow", guid=name, name=name, depends_on=depends_on)


def names(levels: list[list[Change]]) -> list[list[str]]:
    return [[change.name for change in level] for level in levels]


class Stripper:
    """The planner's part, faked: defer the references, and remember who was asked."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, frozenset[str]]] = []

    def __call__(self, change: Change, keys: frozenset[str]) -> Change:
        self.calls.append((change.name, keys))
        kept = tuple(key for key in change.depends_on if key not in keys)
        return change.model_copy(update={"depends_on": kept, "deferred": {"refs": sorted(keys)}})


def refuse(change: Change, keys: frozenset[str]) -> Change:
    return change


def test_what_is_referenced_goes_first_and_is_deleted_last() -> None:
    rule = bare("rule", Action.CREATE, "Workflow/flow")
    flow = bare("flow", Action.CREATE)
    old_rule = bare("old rule", Action.DELETE, "Workflow/old flow")
    old_flow = bare("old flow", Action.DELETE)
    levels = apply_levels([old_flow, rule, old_rule, flow])
    assert names(levels) == [["flow"], ["rule"], ["old rule"], ["old flow"]]


def test_a_resource_only_updated_is_not_waited_for() -> None:
    """Its id is known already: what refers to it goes out in the same level."""
    rule = bare("rule", Action.CREATE, "Workflow/flow")
    other = bare("other", Action.UPDATE, "Workflow/flow")
    flow = bare("flow", Action.UPDATE)
    assert names(apply_levels([flow, other, rule])) == [["rule", "flow", "other"]]


def test_a_level_is_sorted_creates_first_then_by_kind_and_name() -> None:
    levels = apply_levels([bare("b", Action.UPDATE), bare("c"), bare("a", Action.UPDATE)])
    assert names(levels) == [["c", "a", "b"]]


def test_references_to_resources_outside_the_plan_are_no_edges() -> None:
    rule = bare("rule", Action.CREATE, "Workflow/untouched")
    assert names(apply_levels([rule])) == [["rule"]]


def test_a_workflow_switching_to_itself_is_no_cycle() -> None:
    itself = workflow(1, "Loop", 1)
    assert dependencies(itself) == frozenset()
    looped = bare("loop", Action.CREATE, "Workflow/loop")
    assert names(apply_levels([change(itself), looped])) == [["Loop", "loop"]]
    assert break_cycles([change(itself), looped], refuse).cycles == ()


def test_two_new_workflows_switching_to_each_other_are_created_then_linked() -> None:
    a, b = change(workflow(1, "A", 2)), change(workflow(2, "B", 1))
    strip = Stripper()
    untangled = break_cycles([b, a], strip)
    (cycle,) = untangled.cycles
    assert str(cycle) == "Workflow/A -> Workflow/B -> Workflow/A"
    assert cycle.keys == (a.key, b.key, a.key) and cycle.two_pass
    assert strip.calls == [("A", frozenset({b.key}))]
    stripped_a, kept_b = _by_name(untangled, "A"), _by_name(untangled, "B")
    assert stripped_a.depends_on == () and stripped_a.deferred == {"refs": [b.key]}
    assert kept_b == b
    assert names(apply_levels(untangled.changes)) == [["A"], ["B"]]


def test_a_three_cycle_is_cut_once() -> None:
    changes = [change(workflow(n, name, (n + 1) % 3)) for n, name in enumerate("XYZ")]
    strip = Stripper()
    untangled = break_cycles(changes, strip)
    (cycle,) = untangled.cycles
    assert str(cycle) == "Workflow/X -> Workflow/Y -> Workflow/Z -> Workflow/X"
    assert [name for name, _ in strip.calls] == ["X"]
    assert names(apply_levels(untangled.changes)) == [["X"], ["Z"], ["Y"]]


def test_a_reference_into_an_existing_resource_is_only_dropped() -> None:
    a = change(workflow(1, "A", 2))
    b = change(workflow(2, "B", 1), Action.UPDATE)
    untangled = break_cycles([a, b], refuse)
    (cycle,) = untangled.cycles
    assert str(cycle) == "Workflow/A -> Workflow/B -> Workflow/A" and not cycle.two_pass
    assert all(item.deferred is None for item in untangled.changes)
    assert names(apply_levels(untangled.changes)) == [["A"], ["B"]]


def test_two_cycles_through_one_workflow_are_both_cut() -> None:
    hub = change(workflow(0, "Hub", 1, 2))
    spokes = [change(workflow(1, "S1", 0)), change(workflow(2, "S2", 0))]
    strip = Stripper()
    untangled = break_cycles([hub, *spokes], strip)
    assert len(untangled.cycles) == 2
    assert strip.calls == [("Hub", frozenset({spokes[0].key, spokes[1].key}))]
    assert names(apply_levels(untangled.changes)) == [["Hub"], ["S1", "S2"]]


def test_a_cycle_the_planner_cannot_cut_is_an_error_naming_its_path() -> None:
    a, b = change(workflow(1, "A", 2)), change(workflow(2, "B", 1))
    with pytest.raises(PlanError, match=r"Workflow/A -> Workflow/B -> Workflow/A.*'A' cannot"):
        break_cycles([a, b], refuse)


def test_an_uncut_cycle_cannot_be_applied() -> None:
    a, b = change(workflow(1, "A", 2)), change(workflow(2, "B", 1))
    with pytest.raises(PlanError, match="Workflow/A -> Workflow/B -> Workflow/A"):
        apply_levels([a, b])


def test_deleting_a_cycle_asks_for_a_reference_to_go_first() -> None:
    a, b = bare("A", Action.DELETE, "Workflow/B"), bare("B", Action.DELETE, "Workflow/A")
    with pytest.raises(PlanError, match="deletes of a reference cycle Workflow/A -> Workflow/B"):
        apply_levels([a, b])


def test_one_resource_changed_twice_is_refused() -> None:
    with pytest.raises(PlanError, match="changed twice"):
        apply_levels([bare("A"), bare("A", Action.UPDATE)])


def test_the_documents_order_new_workflows_before_the_rule_that_sets_them() -> None:
    flow, rule = by_kind("Workflow"), by_kind("TicketRule")
    assert flow is not None and rule is not None
    incident = flow.parse(documents.workflow())
    p1 = rule.parse(documents.ticket_rule())
    (dependency,) = dependencies(p1)
    assert (dependency.kind, dependency.name) == ("Workflow", incident.name)
    depends_on = (resource_key(incident.kind, incident.guid),)  # the planner's name -> guid
    uses = change(p1).model_copy(update={"depends_on": depends_on})
    levels = apply_levels([uses, change(incident)])
    assert names(levels) == [["Incident Lifecycle"], ["P1 to Network team"]]
    updated = apply_levels([uses, change(incident, Action.UPDATE)])
    assert names(updated) == [["P1 to Network team", "Incident Lifecycle"]]


@given(st.lists(st.lists(st.integers(0, 11), max_size=4), min_size=1, max_size=12), st.data())
def test_every_change_comes_after_what_it_depends_on(
    edges: list[list[int]], data: st.DataObject
) -> None:
    actions = data.draw(st.lists(st.sampled_from(list(Action)), min_size=len(edges)))
    changes = [
        bare(f"n{i}", actions[i], *(f"Workflow/n{j}" for j in targets if j < i))
        for i, targets in enumerate(edges)
    ]
    position = {
        change.key: depth for depth, level in enumerate(apply_levels(changes)) for change in level
    }
    assert len(position) == len(changes)
    upserts = [position[c.key] for c in changes if c.action is not Action.DELETE]
    deletes = [position[c.key] for c in changes if c.action is Action.DELETE]
    assert max(upserts, default=-1) < min(deletes, default=len(changes)), "deletes come last"
    for item in changes:
        for key in set(item.depends_on) & set(position):
            if item.action is Action.DELETE and _action(changes, key) is Action.DELETE:
                assert position[item.key] < position[key], "a user is deleted first"
            elif _action(changes, key) is Action.CREATE and item.action is not Action.DELETE:
                assert position[key] < position[item.key], "a new resource is made first"


@given(st.lists(st.lists(st.integers(0, 7), max_size=3), min_size=1, max_size=8))
def test_any_web_of_new_resources_can_be_untangled(edges: list[list[int]]) -> None:
    changes = [
        bare(f"n{i}", Action.CREATE, *(f"Workflow/n{j}" for j in targets))
        for i, targets in enumerate(edges)
    ]
    untangled = break_cycles(changes, Stripper())
    levels = apply_levels(untangled.changes)
    assert sum(len(level) for level in levels) == len(changes)


def _by_name(untangled: Untangled, name: str) -> Change:
    return next(change for change in untangled.changes if change.name == name)


def _action(changes: list[Change], key: str) -> Action:
    return next(change.action for change in changes if change.key == key)


class Detacher:
    """The planner's detach, faked: drop the references, carry an update for them."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, frozenset[str]]] = []

    def __call__(self, change: Change, keys: frozenset[str]) -> Change:
        self.calls.append((change.name, keys))
        kept = tuple(key for key in change.depends_on if key not in keys)
        return change.model_copy(update={"depends_on": kept, "payload": {"drop": sorted(keys)}})


def test_deletes_follow_the_live_references_whatever_the_names() -> None:
    rule = bare("Alpha rule", Action.DELETE, "Workflow/Major Incident")
    major = bare("Major Incident", Action.DELETE, "Workflow/Change Advisory")
    change_advisory = bare("Change Advisory", Action.DELETE)
    levels = apply_levels([change_advisory, major, rule])
    assert names(levels) == [["Alpha rule"], ["Major Incident"], ["Change Advisory"]]


def test_a_cycle_among_deletes_is_cut_by_detaching_the_first_by_sort_key() -> None:
    a, b = bare("A", Action.DELETE, "Workflow/B"), bare("B", Action.DELETE, "Workflow/A")
    detach = Detacher()
    untangled = break_cycles([b, a], refuse, detach)
    (cycle,) = untangled.cycles
    assert str(cycle) == "Workflow/A -> Workflow/B -> Workflow/A"
    assert cycle.detached and not cycle.two_pass and cycle.cut == ("Workflow/A", "Workflow/B")
    assert detach.calls == [("A", frozenset({"Workflow/B"}))]
    detached = _by_name(untangled, "A")
    assert detached.depends_on == () and detached.payload == {"drop": ["Workflow/B"]}
    assert _by_name(untangled, "B") == b
    assert names(apply_levels(untangled.changes)) == [["B"], ["A"]]


def test_a_delete_cycle_nobody_can_detach_is_an_error_naming_its_path() -> None:
    a, b = bare("A", Action.DELETE, "Workflow/B"), bare("B", Action.DELETE, "Workflow/A")
    with pytest.raises(PlanError, match="deletes of a reference cycle Workflow/A -> Workflow/B"):
        break_cycles([a, b], refuse)
    with pytest.raises(PlanError, match="deletes of a reference cycle Workflow/A -> Workflow/B"):
        break_cycles([a, b], refuse, refuse)


@given(st.lists(st.lists(st.integers(0, 7), max_size=3), min_size=1, max_size=8))
def test_any_web_of_deletes_can_be_untangled(edges: list[list[int]]) -> None:
    changes = [
        bare(f"n{i}", Action.DELETE, *(f"Workflow/n{j}" for j in targets if j != i))
        for i, targets in enumerate(edges)
    ]
    untangled = break_cycles(changes, refuse, Detacher())
    position = {
        change.key: depth
        for depth, level in enumerate(apply_levels(untangled.changes))
        for change in level
    }
    assert len(position) == len(changes)
    for change in untangled.changes:
        for key in set(change.depends_on) & set(position):
            assert position[change.key] < position[key], "a user is deleted first"
