"""What a plan costs in requests, per endpoint, against the emulator: a regression in
requests fails here (time never does). Workflows that set steps but nothing else only
their detail carries are read from one GET /workflowstep; lookups the repo does not
use are not listed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from benchmarks import plan_apply
from haloform.apply import Applier, ApplyOptions
from haloform.apply.freshness import moved_since
from haloform.emulator import Emulator, EmulatorConfig
from haloform.kinds import KINDS
from haloform.load.validate import validate_repo
from haloform.plan.build import PlanRequest
from haloform.plan.model import Plan
from haloform.tasks.planning import plan_tenant
from tests.conftest import client_for

FLOWS, RULES, EVENTS = 6, 30, 4
LISTS = {
    "GET /Workflow": 1,
    "GET /TicketRules": 1,
    "GET /EventRule": 1,
    "GET /Agent": 1,
    "GET /Team": 1,
    "GET /Status": 1,
    "GET /TicketType": 1,
    "GET /Outcome": 1,
    "GET /Priority": 1,
    "GET /Template": 1,
    "GET /EventRule/{id}": EVENTS,  # their list rows lack the criteria the files set
}
"""Every plan's requests; /SLA is not listed because no file names an SLA."""
EVENT_WHY = "criteria, mappings are set in files and not in list rows"


async def _plan_twice(
    tmp_path: Path, config: EmulatorConfig, *, stages: bool = False
) -> tuple[dict[str, int], Plan, list[str]]:
    """Apply the generated repo to an empty tenant, then plan it again: the second
    plan's requests by endpoint, the plan, and what ``-v`` would say."""
    corpus = plan_apply.generate(RULES, FLOWS, EVENTS, seed=7, stages=stages)
    plan_apply.write(corpus, tmp_path)
    repo = validate_repo(tmp_path)
    repo.diagnostics.raise_for_errors("generated repo")
    request = PlanRequest(repo=repo, environment="t", tenant="emulator", specs=KINDS)
    emu = Emulator(config)
    try:
        async with client_for(emu) as client:
            report = await Applier(client, ApplyOptions()).apply(await plan_tenant(client, request))
            assert report.ok
        async with client_for(emu) as client:
            said: list[str] = []
            plan = await plan_tenant(client, request, said.append)
            counts = {key: n for key, n in client.stats.api.items() if n}
    finally:
        emu.close()
    return counts, plan, said


async def test_steps_come_from_one_workflowstep_list(tmp_path: Path) -> None:
    counts, plan, said = await _plan_twice(tmp_path, EmulatorConfig())

    assert not plan.changes
    assert counts == {**LISTS, "GET /workflowstep": 1}
    assert said == [
        f"filled {FLOWS} Workflow records from one GET /workflowstep",
        f"read {EVENTS} EventRule details: {EVENT_WHY}",
    ]


async def test_a_stand_in_without_step_actions_falls_back_to_details_and_says_so(
    tmp_path: Path,
) -> None:
    config = EmulatorConfig(workflowstep_actions=False)
    counts, plan, said = await _plan_twice(tmp_path, config)

    assert not plan.changes
    assert counts == {**LISTS, "GET /workflowstep": 1, "GET /Workflow/{id}": FLOWS}
    assert said == [
        f"read {EVENTS} EventRule details: {EVENT_WHY}",
        f"read {FLOWS} Workflow details: steps is set in files and not in list rows,"
        " and /workflowstep rows carry no actions",
    ]


@pytest.mark.parametrize("config", [EmulatorConfig(), EmulatorConfig(workflowstep_actions=False)])
async def test_stages_only_the_detail_carries_need_a_detail_per_workflow(
    tmp_path: Path, config: EmulatorConfig
) -> None:
    counts, plan, said = await _plan_twice(tmp_path, config, stages=True)

    assert not plan.changes
    assert counts == {**LISTS, "GET /Workflow/{id}": FLOWS}
    assert said == [
        f"read {EVENTS} EventRule details: {EVENT_WHY}",
        f"read {FLOWS} Workflow details: stages, steps are set in files and not in list rows",
    ]


async def test_a_workflow_filled_from_the_step_list_is_rechecked_from_it(tmp_path: Path) -> None:
    """A saved plan re-reads such a workflow as it was planned (one /workflowstep, no
    detail), and sees a step renamed in the tenant since."""
    corpus = plan_apply.generate(RULES, FLOWS, EVENTS, seed=7)
    plan_apply.write(corpus, tmp_path)
    request = PlanRequest(repo=validate_repo(tmp_path), environment="t", tenant="e", specs=KINDS)
    emu = Emulator(EmulatorConfig())
    try:
        async with client_for(emu) as client:
            assert (
                await Applier(client, ApplyOptions()).apply(await plan_tenant(client, request))
            ).ok
            corpus.workflows[0]["note"] = "Edited"
            plan_apply.write(corpus, tmp_path)
            edited = replace(request, repo=validate_repo(tmp_path))
            plan = await plan_tenant(client, edited)
            [change] = plan.changes
            assert (change.fingerprint or "").startswith("lists:")
            before = dict(client.stats.api)
            assert await moved_since(client, plan) == []
            assert client.stats.api["GET /workflowstep"] - before["GET /workflowstep"] == 1
            assert client.stats.api["GET /Workflow/{id}"] == before.get("GET /Workflow/{id}", 0)

            path = f"/Workflow/{change.live_id}"
            live = await client.get_object(path, {"includedetails": True})
            live["steps"][0]["name"] = "Renamed in Halo"
            await client.post(
                "/Workflow", [{"id": live["id"], "name": live["name"], "steps": live["steps"]}]
            )
            assert await moved_since(client, plan) == [
                f"Workflow {change.name!r} changed in the tenant since the plan was made"
            ]
    finally:
        emu.close()


async def test_the_measured_tenant_plans_in_35_requests_and_is_created_in_25_posts(
    tmp_path: Path,
) -> None:
    """Issue 13's tenant (1,000 rules, 50 workflows, 20 event rules): every create in
    at most 25 POSTs and no new token; a plan of it in at most 35 requests, auth
    included (it is 33: 2 auth, 4 kind lists, 7 lookups, 20 event rule details)."""
    corpus = plan_apply.generate(rules=1000, flows=50, events=20, seed=1)
    plan_apply.write(corpus, tmp_path)
    request = PlanRequest(repo=validate_repo(tmp_path), environment="t", tenant="e", specs=KINDS)
    emu = Emulator(EmulatorConfig())
    try:
        async with client_for(emu) as client:
            plan = await plan_tenant(client, request)
            assert len(plan.changes) == 1070
            auth = client.stats.auth.total()
            assert (await Applier(client, ApplyOptions(batch_size=50)).apply(plan)).ok
            posts = sum(n for key, n in client.stats.api.items() if key.startswith("POST "))
            assert posts == 24  # the goal is 25: 21 of rules, 2 of workflows, 1 of events
            assert client.stats.auth.total() == auth
        async with client_for(emu) as client:
            assert not (await plan_tenant(client, request)).changes
            assert client.stats.total == 33, client.stats.summary()
    finally:
        emu.close()
