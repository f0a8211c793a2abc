"""Applying plans to the emulator: creates, updates, references, batches, ordering."""

from __future__ import annotations

import json
from typing import Any

import pytest

from haloform.apply import ApplyEvent, EventKind, Status
from haloform.emulator import Emulator
from haloform.halo import HaloClient
from haloform.plan.model import Action, Referenced
from tests.apply.conftest import Tap
from tests.apply.plans import (
    AGENT_ALICE,
    RULE,
    WORKFLOW,
    apply_plan,
    create,
    levels,
    new_guid,
    plan_of,
    ref,
    rule,
    update,
    workflow,
)


def _with_bad_action(payload: dict[str, Any]) -> dict[str, Any]:
    """A workflow Halo refuses: an action runs an Outcome the tenant does not have.
    (An action leading to a missing step is not refused: Halo stores those.)"""
    payload["steps"][0]["actions"] = [{"action_id": 987654, "end_step": 1, "seq": 1}]
    return payload


def _by_guid(emu: Emulator, resource: str) -> dict[str, dict[str, object]]:
    return {str(row["guid"]): row for row in emu.records(resource)}


async def test_a_rule_gets_the_id_of_the_workflow_created_before_it(
    emu: Emulator, halo: HaloClient
) -> None:
    flow, rule_guid = new_guid(), new_guid()
    wf = create(WORKFLOW, workflow(flow, "Incident"))
    rl = create(
        RULE,
        rule(rule_guid, "P1 to Incident", new_workflow_id=ref(WORKFLOW, flow)),
        depends_on=[wf.key],
    )
    plan = plan_of(wf, rl)

    report = await apply_plan(plan, halo, levels=levels(plan))

    assert report.ok, report.results
    flow_id = _by_guid(emu, "Workflow")[flow]["id"]
    assert _by_guid(emu, "TicketRules")[rule_guid]["new_workflow_id"] == flow_id
    assert [r.live_id for r in report.results] == [
        flow_id,
        _by_guid(emu, "TicketRules")[rule_guid]["id"],
    ]
    assert report.summary() == "Apply: 2 created, 0 updated, 0 deleted; 0 failed, 0 not attempted."


async def test_an_update_posts_the_live_id_and_changes_the_record(
    emu: Emulator, halo: HaloClient
) -> None:
    guid = new_guid()
    [saved] = await halo.post("/TicketRules", [rule(guid, "Old name")])
    plan = plan_of(update(RULE, saved["id"], rule(guid, "New name", precedence=3)))

    report = await apply_plan(plan, halo, levels=levels(plan))

    assert report.ok
    [row] = emu.records("TicketRules")
    assert (row["id"], row["name"], row["precedence"]) == (saved["id"], "New name", 3)
    assert report.count(Status.APPLIED, Action.UPDATE) == 1


async def test_a_reference_outside_the_plan_is_found_by_listing_its_kind_once(
    emu: Emulator, halo: HaloClient
) -> None:
    flow = new_guid()
    [saved] = await halo.post("/Workflow", [workflow(flow, "Existing")])
    rules = [rule(new_guid(), f"R{i}", new_workflow_id=ref(WORKFLOW, flow)) for i in range(3)]
    plan = plan_of(*(create(RULE, payload) for payload in rules))
    before = halo.stats.api["GET /Workflow"]

    report = await apply_plan(plan, halo, levels=levels(plan))

    assert report.ok
    assert halo.stats.api["GET /Workflow"] - before == 1
    assert {row["new_workflow_id"] for row in emu.records("TicketRules")} == {saved["id"]}


async def test_a_reference_the_plan_holds_an_id_for_is_sent_without_a_list(
    emu: Emulator, halo: HaloClient
) -> None:
    flow = new_guid()
    [saved] = await halo.post("/Workflow", [workflow(flow, "Existing")])
    new = create(RULE, rule(new_guid(), "R", new_workflow_id=ref(WORKFLOW, flow)))
    known = Referenced(kind=WORKFLOW, guid=flow, name="Existing", live_id=saved["id"])
    plan = plan_of(new).model_copy(update={"referenced": (known,)})
    before = halo.stats.api["GET /Workflow"]

    report = await apply_plan(plan, halo, levels=levels(plan))

    assert report.ok
    assert halo.stats.api["GET /Workflow"] == before
    assert [row["new_workflow_id"] for row in emu.records("TicketRules")] == [saved["id"]]


async def test_a_reference_to_nothing_fails_that_change_only(
    emu: Emulator, halo: HaloClient
) -> None:
    missing = new_guid()
    bad = create(RULE, rule(new_guid(), "Dangling", new_workflow_id=ref(WORKFLOW, missing)))
    good = create(RULE, rule(new_guid(), "Fine"))
    plan = plan_of(bad, good)

    report = await apply_plan(plan, halo, levels=levels(plan))

    failed = report.results[0]
    assert failed.status is Status.FAILED
    assert f"Workflow/{missing}, which is neither in this plan nor in the tenant" in str(
        failed.message
    )
    assert report.results[1].status is Status.APPLIED
    assert [row["name"] for row in emu.records("TicketRules")] == ["Fine"]


@pytest.mark.parametrize(("count", "size", "posts"), [(5, 2, 3), (5, 50, 1), (1, 1, 1)])
async def test_creates_of_one_kind_go_in_batches(
    emu: Emulator, halo: HaloClient, count: int, size: int, posts: int
) -> None:
    plan = plan_of(*(create(WORKFLOW, workflow(new_guid(), f"W{i}")) for i in range(count)))

    report = await apply_plan(plan, halo, levels=levels(plan), batch_size=size)

    assert report.ok
    assert halo.stats.api["POST /Workflow"] == posts
    assert emu.count("Workflow") == count


async def test_one_post_per_kind_per_level(emu: Emulator, halo: HaloClient) -> None:
    flows = [create(WORKFLOW, workflow(new_guid(), f"W{i}")) for i in range(2)]
    rules = [create(RULE, rule(new_guid(), f"R{i}")) for i in range(3)]
    plan = plan_of(*flows, *rules)

    report = await apply_plan(plan, halo, levels=[[*flows, *rules]])

    assert report.ok
    assert halo.stats.api["POST /Workflow"] == 1
    assert halo.stats.api["POST /TicketRules"] == 1
    assert report.requests == halo.stats.total


async def test_dependents_of_a_failed_resource_are_not_attempted(
    emu: Emulator, halo: HaloClient
) -> None:
    flow = new_guid()
    wf = create(WORKFLOW, _with_bad_action(workflow(flow, "Broken")))
    dependent = create(
        RULE,
        rule(new_guid(), "Uses Broken", new_workflow_id=ref(WORKFLOW, flow)),
        depends_on=[wf.key],
    )
    independent = create(RULE, rule(new_guid(), "Independent"))
    plan = plan_of(wf, dependent, independent)

    report = await apply_plan(plan, halo, levels=levels(plan))

    statuses = [(r.name, r.status) for r in report.results]
    assert statuses == [
        ("Broken", Status.FAILED),
        ("Uses Broken", Status.SKIPPED),
        ("Independent", Status.APPLIED),
    ]
    assert "action_id" in str(report.results[0].message)
    assert report.results[1].message == "depends on Workflow 'Broken' which failed"
    assert not report.ok
    assert report.summary() == "Apply: 1 created, 0 updated, 0 deleted; 1 failed, 1 not attempted."
    assert [row["name"] for row in emu.records("TicketRules")] == ["Independent"]


async def test_a_reference_cycle_is_closed_by_the_deferred_pass(
    emu: Emulator, halo: HaloClient
) -> None:
    a, b = new_guid(), new_guid()
    switch_to_b = [
        {"step_id": 1, "name": "Logged", "isstart": True, "new_flow_id": ref(WORKFLOW, b)}
    ]
    first = create(WORKFLOW, workflow(a, "A"), deferred={"steps": switch_to_b})
    switch_to_a = [
        {"step_id": 1, "name": "Logged", "isstart": True, "new_flow_id": ref(WORKFLOW, a)}
    ]
    second = create(WORKFLOW, workflow(b, "B", steps=switch_to_a), depends_on=[first.key])
    plan = plan_of(first, second)

    report = await apply_plan(plan, halo, levels=[[first], [second]])

    assert report.ok, report.results
    flows = _by_guid(emu, "Workflow")
    assert flows[a]["steps"][0]["new_flow_id"] == flows[b]["id"]  # type: ignore[index]
    assert flows[b]["steps"][0]["new_flow_id"] == flows[a]["id"]  # type: ignore[index]
    assert halo.stats.api["POST /Workflow"] == 3


async def test_deferred_fields_waiting_on_a_failure_leave_the_change_failed(
    emu: Emulator, halo: HaloClient
) -> None:
    a, b = new_guid(), new_guid()
    deferred = {"steps": [{"step_id": 1, "isstart": True, "new_flow_id": ref(WORKFLOW, b)}]}
    first = create(WORKFLOW, workflow(a, "A"), deferred=deferred)
    broken = create(WORKFLOW, _with_bad_action(workflow(b, "B")))
    plan = plan_of(first, broken)

    report = await apply_plan(plan, halo, levels=[[first], [broken]])

    result = report.results[0]
    assert result.status is Status.FAILED
    assert result.live_id == _by_guid(emu, "Workflow")[a]["id"]
    assert result.message == (
        "saved without steps, which the second pass could not set: "
        "depends on Workflow 'B' which failed"
    )
    assert halo.stats.api["POST /Workflow"] == 2


async def test_events_report_requests_recoveries_and_results(
    emu: Emulator, halo: HaloClient
) -> None:
    events: list[ApplyEvent] = []
    plan = plan_of(create(WORKFLOW, workflow(new_guid(), "W")))

    await apply_plan(plan, halo, levels=levels(plan), on_event=events.append)

    assert [(e.kind, e.message) for e in events] == [
        (EventKind.REQUEST, "POST /Workflow: 1 record (1 to create)"),
        (EventKind.RESULT, f"created Workflow 'W' (id {emu.records('Workflow')[0]['id']})"),
    ]


async def test_a_create_never_sends_an_id_and_an_update_always_does(
    emu: Emulator, halo: HaloClient
) -> None:
    guid = new_guid()
    [saved] = await halo.post("/TicketRules", [rule(guid, "Kept")])
    fresh = {**rule(new_guid(), "Fresh"), "id": 12345}
    plan = plan_of(create(RULE, fresh), update(RULE, saved["id"], rule(guid, "Kept")))

    report = await apply_plan(plan, halo, levels=levels(plan))

    assert report.ok
    assert sorted(row["name"] for row in emu.records("TicketRules")) == ["Fresh", "Kept"]


async def test_agent_ids_pass_through_untouched(emu: Emulator, halo: HaloClient) -> None:
    plan = plan_of(create(RULE, rule(new_guid(), "To Alice", new_agent_id=AGENT_ALICE)))

    await apply_plan(plan, halo, levels=levels(plan))

    assert emu.records("TicketRules")[0]["new_agent_id"] == AGENT_ALICE


async def test_without_levels_the_planners_order_is_used(emu: Emulator, halo: HaloClient) -> None:
    flow = new_guid()
    wf = create(WORKFLOW, workflow(flow, "Zeta"))
    rl = create(
        RULE, rule(new_guid(), "Alpha", new_workflow_id=ref(WORKFLOW, flow)), depends_on=[wf.key]
    )

    report = await apply_plan(plan_of(rl, wf), halo)

    assert report.ok, report.results
    assert emu.records("TicketRules")[0]["new_workflow_id"] == emu.records("Workflow")[0]["id"]


async def test_a_new_workflow_that_switches_to_itself_gets_its_own_id_in_a_second_pass(
    emu: Emulator, halo: HaloClient, tap: Tap
) -> None:
    flow = new_guid()
    steps = [
        {"step_id": 1, "name": "Logged", "isstart": True},
        {"step_id": 2, "name": "Restart", "new_flow_id": ref(WORKFLOW, flow)},
    ]
    plan = plan_of(create(WORKFLOW, workflow(flow, "Loop", steps=steps)))

    report = await apply_plan(plan, halo, levels=levels(plan))

    assert report.ok, report.results
    [row] = emu.records("Workflow")
    assert [step.get("new_flow_id") for step in row["steps"]] == [None, row["id"]]
    first, second = (json.loads(body)[0] for body in tap.bodies())
    assert first["steps"] == [steps[0], {"step_id": 2, "name": "Restart"}], "only the switch waits"
    assert (second["id"], second["guid"], second["name"]) == (row["id"], flow, "Loop")
    assert [step["new_flow_id"] for step in second["steps"] if "new_flow_id" in step] == [row["id"]]
    assert halo.stats.api["GET /Workflow/{id}"] == 1


async def test_the_second_pass_carries_the_ids_halo_gave_the_children(
    emu: Emulator, halo: HaloClient, tap: Tap
) -> None:
    a, b = new_guid(), new_guid()
    deferred = {"steps": [{"step_id": 1, "name": "Logged", "new_flow_id": ref(WORKFLOW, b)}]}
    first = create(WORKFLOW, workflow(a, "A"), deferred=deferred)
    second = create(WORKFLOW, workflow(b, "B"), depends_on=[first.key])
    plan = plan_of(first, second)

    await apply_plan(plan, halo, levels=[[first], [second]])

    [row_a] = [row for row in emu.records("Workflow") if row["guid"] == a]
    last = json.loads(tap.bodies()[-1])[0]
    assert last["steps"][0]["fdid"] == row_a["steps"][0]["fdid"]
    assert len(row_a["steps"]) == 1
