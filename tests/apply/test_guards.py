"""What stops an apply as a whole: a tenant that refuses us, and plans or levels that
do not fit together (bugs in whoever ordered them, refused before any request)."""

from __future__ import annotations

import httpx
import pytest

from haloform.apply import ApplyOptions, ApplyReport, Status
from haloform.emulator import Emulator
from haloform.errors import ApplyError, PlanError
from haloform.halo import HaloClient
from haloform.plan.model import Action, Change
from tests.apply.conftest import API, Tap
from tests.apply.plans import (
    RULE,
    WORKFLOW,
    apply_plan,
    create,
    levels,
    new_guid,
    plan_of,
    rule,
    workflow,
)


async def test_a_tenant_that_refuses_our_credentials_stops_the_run_with_its_report(
    emu: Emulator, halo: HaloClient, tap: Tap
) -> None:
    def forbid_rules(request: httpx.Request, response: httpx.Response) -> httpx.Response:
        if request.url.path == f"{API}TicketRules" and request.method == "POST":
            return httpx.Response(403, json={"Message": "Access denied"}, request=request)
        return response

    tap.rewrite = forbid_rules
    wf = create(WORKFLOW, workflow(new_guid(), "W"))
    rules = [create(RULE, rule(new_guid(), f"R{i}")) for i in range(2)]
    plan = plan_of(wf, *rules)

    with pytest.raises(ApplyError, match=r"^the apply stopped: POST /TicketRules -> 403") as raised:
        await apply_plan(plan, halo, levels=[[wf], rules])

    report = raised.value.report
    assert isinstance(report, ApplyReport)
    assert report.stopped == str(raised.value)
    assert [r.status for r in report.results] == [Status.APPLIED, Status.SKIPPED, Status.SKIPPED]
    assert str(report.results[1].message).startswith("not attempted: the apply stopped: ")
    assert report.requests > 0


async def test_levels_that_leave_out_a_change_are_refused_before_any_request(
    halo: HaloClient, tap: Tap
) -> None:
    first, second = (create(RULE, rule(new_guid(), name)) for name in ("A", "B"))
    plan = plan_of(first, second)

    with pytest.raises(ValueError, match="the levels leave out"):
        await apply_plan(plan, halo, levels=[[first]])
    with pytest.raises(ValueError, match="twice or not from the plan"):
        await apply_plan(plan, halo, levels=[[first, second], [first]])
    assert tap.sent == []


async def test_a_kind_this_haloform_does_not_manage_is_refused(halo: HaloClient, tap: Tap) -> None:
    stranger = Change(action=Action.CREATE, kind="Gadget", guid=new_guid(), name="G", payload={})
    plan = plan_of(stranger)

    with pytest.raises(PlanError, match="Gadget resources, which this haloform does not manage"):
        await apply_plan(plan, halo, levels=levels(plan))
    assert tap.sent == []


def test_options_are_checked() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        ApplyOptions(batch_size=0)
    with pytest.raises(ValueError, match="max_deletes"):
        ApplyOptions(max_deletes=-1)


async def test_an_empty_plan_applies_with_no_request(halo: HaloClient, tap: Tap) -> None:
    report = await apply_plan(plan_of(), halo, levels=[])

    assert report.ok
    assert report.summary() == "Apply: 0 created, 0 updated, 0 deleted; 0 failed, 0 not attempted."
    assert tap.sent == []


async def test_outcomes_known_before_a_stop_are_kept(
    emu: Emulator, halo: HaloClient, tap: Tap
) -> None:
    posts = 0

    def forbid_the_second_post(request: httpx.Request, response: httpx.Response) -> httpx.Response:
        nonlocal posts
        if request.method == "POST" and request.url.path.startswith(API):
            posts += 1
            if posts == 2:
                return httpx.Response(403, json={"Message": "Access denied"}, request=request)
        return response

    tap.rewrite = forbid_the_second_post
    rules = [rule(new_guid(), "Good"), rule(new_guid(), "Bad", new_agent_id=999)]
    plan = plan_of(*(create(RULE, payload) for payload in rules))

    with pytest.raises(ApplyError) as raised:
        await apply_plan(plan, halo, levels=levels(plan))

    report = raised.value.report
    assert isinstance(report, ApplyReport)
    assert [(r.name, r.status) for r in report.results] == [
        ("Good", Status.SKIPPED),
        ("Bad", Status.FAILED),
    ]
    assert report.results[1].message == "Halo refused it: new_agent_id: Agent 999 does not exist"
