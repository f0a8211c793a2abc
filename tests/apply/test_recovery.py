"""What the applier does when Halo's answer is not a plain yes: refusals, lost answers,
answers that leave records out, and guids the tenant replaced. Never a duplicate."""

from __future__ import annotations

import json
from collections import Counter

import httpx
import pytest

from haloform.apply import Status
from haloform.emulator import Emulator
from haloform.halo import HaloClient
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
    ref,
    rule,
    update,
    workflow,
)

NO_SUCH_AGENT = 999


def _rules(n: int, bad: frozenset[int] = frozenset()) -> list[dict[str, object]]:
    return [
        rule(new_guid(), f"R{i}", **({"new_agent_id": NO_SUCH_AGENT} if i in bad else {}))
        for i in range(n)
    ]


def _guid_counts(emu: Emulator, resource: str) -> Counter[str]:
    return Counter(str(row["guid"]) for row in emu.records(resource))


async def test_a_record_halo_refuses_fails_alone_and_the_rest_is_sent_again(
    emu: Emulator, halo: HaloClient
) -> None:
    plan = plan_of(*(create(RULE, payload) for payload in _rules(4, bad=frozenset({1}))))

    report = await apply_plan(plan, halo, levels=levels(plan))

    assert [r.status for r in report.results] == [
        Status.APPLIED,
        Status.FAILED,
        Status.APPLIED,
        Status.APPLIED,
    ]
    assert report.results[1].message == "Halo refused it: new_agent_id: Agent 999 does not exist"
    assert sorted(row["name"] for row in emu.records("TicketRules")) == ["R0", "R2", "R3"]
    assert halo.stats.api["POST /TicketRules"] == 2


async def test_a_refusal_that_names_no_record_is_narrowed_down_one_by_one(
    emu: Emulator, halo: HaloClient, tap: Tap
) -> None:
    def unindexed(request: httpx.Request, response: httpx.Response) -> httpx.Response:
        if response.status_code != 400:
            return response
        words = "; ".join(response.json().values())
        return httpx.Response(400, json={"Message": words}, request=request)

    tap.rewrite = unindexed
    plan = plan_of(*(create(RULE, payload) for payload in _rules(3, bad=frozenset({2}))))

    report = await apply_plan(plan, halo, levels=levels(plan))

    assert [r.status for r in report.results] == [Status.APPLIED, Status.APPLIED, Status.FAILED]
    assert "Agent 999 does not exist" in str(report.results[2].message)
    assert halo.stats.api["POST /TicketRules"] == 4  # the batch, then each of three
    assert emu.count("TicketRules") == 2


async def test_a_create_whose_guid_the_tenant_replaced_fails_loudly(
    emu: Emulator, halo: HaloClient
) -> None:
    emu.config.assign_guids = True
    flow = new_guid()
    wf = create(WORKFLOW, workflow(flow, "Incident"))
    rl = create(
        RULE, rule(new_guid(), "Uses it", new_workflow_id=ref(WORKFLOW, flow)), depends_on=[wf.key]
    )
    plan = plan_of(wf, rl)

    report = await apply_plan(plan, halo, levels=levels(plan))

    [row] = emu.records("Workflow")
    failed = report.results[0]
    assert failed.status is Status.FAILED
    assert failed.live_id == row["id"]
    assert failed.message is not None
    assert failed.message.startswith(f"the tenant replaced guid {flow} with {row['guid']}: ")
    assert f"A record named 'Incident' (id {row['id']}) now exists" in failed.message
    assert "delete it or adopt its guid" in failed.message
    assert report.results[1].status is Status.SKIPPED
    assert emu.count("TicketRules") == 0


async def test_replaced_guids_in_a_batch_are_told_apart_by_name(
    emu: Emulator, halo: HaloClient
) -> None:
    emu.config.assign_guids = True
    plan = plan_of(*(create(WORKFLOW, workflow(new_guid(), name)) for name in ("A", "B", "C")))

    report = await apply_plan(plan, halo, levels=levels(plan))

    ids = {row["name"]: row["id"] for row in emu.records("Workflow")}
    assert [(r.status, r.live_id) for r in report.results] == [
        (Status.FAILED, ids["A"]),
        (Status.FAILED, ids["B"]),
        (Status.FAILED, ids["C"]),
    ]


@pytest.mark.parametrize(("returnall", "rereads"), [(False, 1), (True, 0)])
async def test_records_left_out_of_the_answer_are_found_by_one_list(
    emu: Emulator, halo: HaloClient, returnall: bool, rereads: int
) -> None:
    """A POST of several records may answer only the first: one list finds the rest.
    ``?returnall=true`` (FACTS: "return all results when letting Halo batch process")
    goes with every such POST, and spares that list where a tenant honours it."""
    emu.config.post_many_response = "first"
    emu.config.returnall = returnall
    plan = plan_of(*(create(WORKFLOW, workflow(new_guid(), f"W{i}")) for i in range(3)))

    report = await apply_plan(plan, halo, levels=levels(plan))

    assert report.ok
    ids = {str(row["guid"]): row["id"] for row in emu.records("Workflow")}
    assert [r.live_id for r in report.results] == [ids[r.guid] for r in report.results]
    assert halo.stats.api["POST /Workflow"] == 1
    assert halo.stats.api.get("GET /Workflow", 0) == rereads


async def test_left_out_and_renamed_by_the_tenant_is_still_caught(
    emu: Emulator, halo: HaloClient
) -> None:
    emu.config.post_many_response = "first"
    emu.config.assign_guids = True
    plan = plan_of(*(create(WORKFLOW, workflow(new_guid(), f"W{i}")) for i in range(3)))

    report = await apply_plan(plan, halo, levels=levels(plan))

    assert {r.status for r in report.results} == {Status.FAILED}
    assert "replaced guid" in str(report.results[0].message)
    for result in report.results[1:]:
        assert "the tenant probably replaced the guid" in str(result.message)
    assert emu.count("Workflow") == 3


async def test_a_write_saved_but_answered_500_is_found_and_not_sent_again(
    emu: Emulator, halo: HaloClient, tap: Tap
) -> None:
    tap.fault_next("POST", commit_then_fail_rate=1.0)
    plan = plan_of(*(create(RULE, payload) for payload in _rules(3)))

    report = await apply_plan(plan, halo, levels=levels(plan))

    assert report.ok, report.results
    assert {r.message for r in report.results} == {"its answer was lost; a re-read found it"}
    assert halo.stats.api["POST /TicketRules"] == 1
    assert set(_guid_counts(emu, "TicketRules").values()) == {1}


async def test_an_update_whose_answer_was_lost_is_sent_again(
    emu: Emulator, halo: HaloClient, tap: Tap
) -> None:
    """A re-read cannot tell whether an update took (the record was there before), so
    the update, which is safe to repeat, is sent once more."""
    guid = new_guid()
    [saved] = await halo.post("/TicketRules", [rule(guid, "Before")])
    tap.fault_next("POST", drop_rate=1.0)
    plan = plan_of(update(RULE, saved["id"], rule(guid, "After")))

    report = await apply_plan(plan, halo, levels=levels(plan))

    assert report.ok
    assert halo.stats.api["POST /TicketRules"] == 3  # the setup, the lost one, the resend
    assert [row["name"] for row in emu.records("TicketRules")] == ["After"]


async def test_an_update_lost_twice_is_unknown_not_applied(
    emu: Emulator, halo: HaloClient, tap: Tap
) -> None:
    guid = new_guid()
    [saved] = await halo.post("/TicketRules", [rule(guid, "Before")])
    emu.config.faults.drop_rate = 1.0
    emu.config.faults.seed = 1
    plan = plan_of(update(RULE, saved["id"], rule(guid, "After")))

    report = await apply_plan(plan, halo, levels=levels(plan))

    assert not report.ok
    assert report.results[0].status is Status.UNKNOWN
    assert "with an unknown outcome: plan again" in report.summary()


async def test_a_dropped_post_is_re_read_then_sent_once_more(
    emu: Emulator, halo: HaloClient, tap: Tap
) -> None:
    tap.fault_next("POST", drop_rate=1.0)
    plan = plan_of(*(create(RULE, payload) for payload in _rules(2)))

    report = await apply_plan(plan, halo, levels=levels(plan))

    assert report.ok
    assert halo.stats.api["POST /TicketRules"] == 2
    assert set(_guid_counts(emu, "TicketRules").values()) == {1}


async def test_two_lost_answers_leave_the_outcome_unknown_and_no_third_send(
    emu: Emulator, halo: HaloClient, tap: Tap
) -> None:
    tap.fault_next("POST", drop_rate=1.0)
    tap.fault_next("POST", drop_rate=1.0)
    plan = plan_of(*(create(RULE, payload) for payload in _rules(2)))

    report = await apply_plan(plan, halo, levels=levels(plan))

    assert {r.status for r in report.results} == {Status.UNKNOWN}
    assert "not sent again" in str(report.results[0].message)
    assert halo.stats.api["POST /TicketRules"] == 2
    assert emu.count("TicketRules") == 0
    assert "(2 with an unknown outcome: plan again)" in report.summary()


async def test_a_lost_answer_from_a_guid_replacing_tenant_is_never_sent_again(
    emu: Emulator, halo: HaloClient, tap: Tap
) -> None:
    emu.config.assign_guids = True
    tap.fault_next("POST", commit_then_fail_rate=1.0)
    plan = plan_of(create(WORKFLOW, workflow(new_guid(), "Only once")))

    report = await apply_plan(plan, halo, levels=levels(plan))

    assert report.results[0].status is Status.FAILED
    assert "not sent again, so as not to make a duplicate" in str(report.results[0].message)
    assert emu.count("Workflow") == 1


@pytest.mark.parametrize("seed", range(8))
async def test_random_drops_never_make_a_duplicate(
    emu: Emulator, halo: HaloClient, seed: int
) -> None:
    emu.config.faults.drop_rate = 0.3
    emu.config.faults.seed = seed
    flows = [create(WORKFLOW, workflow(new_guid(), f"W{i}")) for i in range(4)]
    rules = [
        create(
            RULE,
            rule(new_guid(), f"R{i}", new_workflow_id=ref(WORKFLOW, f.guid)),
            depends_on=[f.key],
        )
        for i, f in enumerate(flows)
    ]
    plan = plan_of(*flows, *rules)

    report = await apply_plan(plan, halo, levels=levels(plan), batch_size=2)

    emu.config.faults.drop_rate = 0
    for resource in ("Workflow", "TicketRules"):
        assert set(_guid_counts(emu, resource).values()) <= {1}
    live = {str(row["guid"]): row["id"] for row in emu.records("Workflow")}
    live |= {str(row["guid"]): row["id"] for row in emu.records("TicketRules")}
    for result in report.results:
        if result.status is Status.APPLIED:
            assert live[result.guid] == result.live_id
        else:
            assert result.status in (Status.UNKNOWN, Status.SKIPPED)


async def test_applying_what_is_missing_again_converges_under_random_drops(
    emu: Emulator, halo: HaloClient
) -> None:
    emu.config.faults.drop_rate = 0.5
    emu.config.faults.seed = 1
    payloads = _rules(6)
    rounds = 0
    while rounds < 8:
        saved = {str(row["guid"]) for row in emu.records("TicketRules")}
        rest = plan_of(*(create(RULE, p) for p in payloads if p["guid"] not in saved))
        if not rest.changes:
            break
        rounds += 1
        await apply_plan(rest, halo, levels=levels(rest), batch_size=2)

    assert 1 < rounds < 8
    assert _guid_counts(emu, "TicketRules") == Counter({str(p["guid"]): 1 for p in payloads})


async def test_a_delete_whose_answer_was_lost_and_meets_a_404_counts_as_deleted(
    emu: Emulator, halo: HaloClient, tap: Tap
) -> None:
    guid = new_guid()
    [saved] = await halo.post("/TicketRules", [rule(guid, "Doomed")])
    tap.fault_next("DELETE", commit_then_fail_rate=1.0)
    plan = plan_of(delete(RULE, guid, "Doomed", saved["id"]))

    report = await apply_plan(plan, halo, levels=levels(plan), allow_delete=True)

    assert report.ok
    assert report.results[0].message == "it was already gone (404)"
    assert halo.stats.api["DELETE /TicketRules/{id}"] == 2
    assert emu.count("TicketRules") == 0


async def test_a_lost_answer_body_is_treated_like_a_lost_answer(
    emu: Emulator, halo: HaloClient, tap: Tap
) -> None:
    def garbled(request: httpx.Request, response: httpx.Response) -> httpx.Response:
        if request.method != "POST" or not request.url.path.startswith(API):
            return response
        return httpx.Response(200, text="<html><title>Gateway</title></html>", request=request)

    tap.rewrite = garbled
    plan = plan_of(create(RULE, rule(new_guid(), "Saved anyway")))

    report = await apply_plan(plan, halo, levels=levels(plan))

    assert report.ok
    assert halo.stats.api["POST /TicketRules"] == 1
    assert json.loads(tap.bodies()[0])[0]["name"] == "Saved anyway"
