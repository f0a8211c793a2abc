"""Deletes: refused up front unless allowed (and within a limit), then run last."""

from __future__ import annotations

from typing import Any

import pytest

from haloform.apply import ApplyReport, Status
from haloform.diff.fields import FieldChange
from haloform.emulator import Emulator
from haloform.errors import ApplyError
from haloform.halo import HaloClient
from haloform.plan.model import Change
from tests.apply.conftest import API, Tap
from tests.apply.plans import (
    RULE,
    WORKFLOW,
    apply_plan,
    create,
    delete,
    levels,
    new_guid,
    plan_of,
    rule,
    workflow,
)


async def _saved_rules(halo: HaloClient, *names: str) -> list[tuple[str, str, int]]:
    saved = await halo.post("/TicketRules", [rule(new_guid(), name) for name in names])
    return [(row["guid"], row["name"], row["id"]) for row in saved]


async def test_a_plan_that_deletes_is_refused_before_any_request_without_allow_delete(
    emu: Emulator, halo: HaloClient, tap: Tap
) -> None:
    [(guid, name, live_id)] = await _saved_rules(halo, "Doomed")
    sent = len(tap.sent)
    plan = plan_of(create(WORKFLOW, workflow(new_guid(), "New")), delete(RULE, guid, name, live_id))

    with pytest.raises(ApplyError) as raised:
        await apply_plan(plan, halo, levels=levels(plan))

    assert len(tap.sent) == sent
    assert str(raised.value) == (
        "the plan deletes 1 resource (TicketRule 'Doomed') and --allow-delete was not given: "
        "nothing was applied"
    )
    report = raised.value.report
    assert isinstance(report, ApplyReport)
    assert not report.ok
    assert [(r.status, r.message) for r in report.results] == [
        (Status.SKIPPED, "not attempted: the apply was refused"),
        (Status.SKIPPED, "not attempted: --allow-delete not given"),
    ]
    assert report.summary() == "Apply: 0 created, 0 updated, 0 deleted; 0 failed, 2 not attempted."
    assert emu.count("TicketRules") == 1
    assert emu.count("Workflow") == 0


async def test_more_deletes_than_max_deletes_is_refused_before_any_request(
    emu: Emulator, halo: HaloClient, tap: Tap
) -> None:
    rows = await _saved_rules(halo, "A", "B", "C")
    sent = len(tap.sent)
    plan = plan_of(*(delete(RULE, *row) for row in rows))

    with pytest.raises(ApplyError, match=r"more than --max-deletes 2 allows"):
        await apply_plan(plan, halo, levels=levels(plan), allow_delete=True, max_deletes=2)

    assert len(tap.sent) == sent
    assert emu.count("TicketRules") == 3


async def test_allowed_deletes_run_after_every_create_and_in_the_given_order(
    emu: Emulator, halo: HaloClient, tap: Tap
) -> None:
    flow = new_guid()
    [old_flow] = await halo.post("/Workflow", [workflow(flow, "Old flow")])
    [user] = await halo.post(
        "/TicketRules", [rule(new_guid(), "User", new_workflow_id=old_flow["id"])]
    )
    gone_rule = delete(RULE, user["guid"], "User", user["id"])
    gone_flow = delete(WORKFLOW, flow, "Old flow", old_flow["id"])
    fresh = create(RULE, rule(new_guid(), "Fresh"))
    plan = plan_of(fresh, gone_rule, gone_flow)
    sent = len(tap.sent)

    report = await apply_plan(
        plan, halo, levels=[[gone_rule, fresh], [gone_flow]], allow_delete=True, max_deletes=2
    )

    assert report.ok, report.results
    writes = [(r.method, r.url.path) for r in tap.sent[sent:] if r.method != "GET"]
    assert writes == [
        ("POST", f"{API}TicketRules"),
        ("DELETE", f"{API}TicketRules/{user['id']}"),
        ("DELETE", f"{API}Workflow/{old_flow['id']}"),
    ]
    assert report.summary() == "Apply: 1 created, 0 updated, 2 deleted; 0 failed, 0 not attempted."
    assert [r.live_id for r in report.results[1:]] == [user["id"], old_flow["id"]]
    assert emu.count("Workflow") == 0


async def test_a_delete_halo_refuses_fails_alone(emu: Emulator, halo: HaloClient) -> None:
    [used] = await halo.post("/Workflow", [workflow(new_guid(), "In use")])
    await halo.post("/TicketRules", [rule(new_guid(), "Keeps it", new_workflow_id=used["id"])])
    [(guid, name, live_id)] = await _saved_rules(halo, "Unused")
    plan = plan_of(
        delete(WORKFLOW, used["guid"], "In use", used["id"]), delete(RULE, guid, name, live_id)
    )

    report = await apply_plan(plan, halo, levels=levels(plan), allow_delete=True)

    assert [r.status for r in report.results] == [Status.FAILED, Status.APPLIED]
    assert "it is used by ticket rule 'Keeps it'" in str(report.results[0].message)
    assert emu.count("Workflow") == 1


async def test_a_record_already_gone_counts_as_deleted(emu: Emulator, halo: HaloClient) -> None:
    [(guid, name, live_id)] = await _saved_rules(halo, "Gone")
    await halo.delete("/TicketRules", live_id)
    plan = plan_of(delete(RULE, guid, name, live_id))

    report = await apply_plan(plan, halo, levels=levels(plan), allow_delete=True)

    assert report.ok
    assert (
        report.results[0].describe()
        == f"deleted TicketRule 'Gone' (id {live_id}): it was already gone (404)"
    )


async def _pair(halo: HaloClient) -> tuple[dict[str, Any], dict[str, Any]]:
    """Workflows A and B whose steps switch tickets to each other."""
    [a] = await halo.post("/Workflow", [workflow(new_guid(), "A")])
    switch_to_a = {"step_id": 2, "name": "To A", "new_flow_id": a["id"]}
    [b] = await halo.post("/Workflow", [workflow(new_guid(), "B", steps=[switch_to_a])])
    switch_to_b = {"step_id": 2, "name": "To B", "new_flow_id": b["id"]}
    await halo.post("/Workflow", [{"id": a["id"], "guid": a["guid"], "steps": [switch_to_b]}])
    return a, b


def _detached(change: Change, payload: dict[str, Any]) -> Change:
    dropped = FieldChange(path="steps[2].new_flow_id", before={"workflow": "B"}, after=None)
    return change.model_copy(update={"payload": payload, "fields": (dropped,)})


async def test_a_delete_cycle_is_detached_first_then_deleted_users_first(
    emu: Emulator, halo: HaloClient, tap: Tap
) -> None:
    a, b = await _pair(halo)
    steps = [{"step_id": 2, "name": "To B", "new_flow_id": 0}]
    gone_a = _detached(
        delete(WORKFLOW, a["guid"], "A", a["id"]),
        {"id": a["id"], "guid": a["guid"], "name": "A", "steps": steps},
    )
    gone_b = delete(WORKFLOW, b["guid"], "B", b["id"]).model_copy(
        update={"depends_on": (gone_a.key,)}
    )
    sent = len(tap.sent)

    report = await apply_plan(
        plan_of(gone_a, gone_b), halo, levels=[[gone_b], [gone_a]], allow_delete=True
    )

    assert report.ok, report.results
    writes = [(r.method, r.url.path) for r in tap.sent[sent:] if r.method != "GET"]
    assert writes == [
        ("POST", f"{API}Workflow"),
        ("DELETE", f"{API}Workflow/{b['id']}"),
        ("DELETE", f"{API}Workflow/{a['id']}"),
    ]
    assert [r.describe() for r in report.results] == [
        f"deleted Workflow 'A' (id {a['id']}): after an update dropped its steps[2].new_flow_id",
        f"deleted Workflow 'B' (id {b['id']})",
    ]
    assert emu.count("Workflow") == 0


async def test_a_refused_detaching_update_fails_its_delete_and_skips_what_it_uses(
    emu: Emulator, halo: HaloClient
) -> None:
    a, b = await _pair(halo)
    bad = {"id": a["id"], "guid": a["guid"], "name": "", "steps": []}
    gone_a = _detached(delete(WORKFLOW, a["guid"], "A", a["id"]), bad)
    gone_b = delete(WORKFLOW, b["guid"], "B", b["id"]).model_copy(
        update={"depends_on": (gone_a.key,)}
    )
    plan = plan_of(gone_a, gone_b)

    report = await apply_plan(plan, halo, levels=[[gone_b], [gone_a]], allow_delete=True)

    first, second = report.results
    assert first.status is Status.FAILED
    assert str(first.message).startswith(
        "not deleted: the update dropping its steps[2].new_flow_id first failed: "
    )
    assert second.status is Status.FAILED
    assert "it is used by workflow 'A'" in str(second.message)
    assert emu.count("Workflow") == 2
