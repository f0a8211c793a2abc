"""A saved plan is re-checked before it is applied: the records it changes, and the
unchanged ones its changes refer to (the apply sends the ids the plan recorded)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from benchmarks import plan_apply
from haloform.apply import Applier, ApplyOptions
from haloform.apply.freshness import moved_since
from haloform.emulator import Emulator, EmulatorConfig
from haloform.kinds import KINDS
from haloform.load.validate import validate_repo
from haloform.plan.build import PlanRequest
from haloform.tasks.planning import plan_tenant
from tests.conftest import client_for


async def test_an_unchanged_workflow_a_change_refers_to_is_recorded_and_rechecked(
    tmp_path: Path,
) -> None:
    corpus = plan_apply.generate(rules=1, flows=1, events=0, seed=3)
    plan_apply.write(corpus, tmp_path)
    request = PlanRequest(repo=validate_repo(tmp_path), environment="t", tenant="e", specs=KINDS)
    emu = Emulator(EmulatorConfig(delete_in_use="allow"))
    try:
        async with client_for(emu) as client:
            first = await plan_tenant(client, request)
            assert (await Applier(client, ApplyOptions()).apply(first)).ok
            corpus.rules[0]["name"] = "Renamed rule"
            plan_apply.write(corpus, tmp_path)
            plan = await plan_tenant(client, replace(request, repo=validate_repo(tmp_path)))

            assert [change.name for change in plan.changes] == ["Renamed rule"]
            [flow] = emu.records("Workflow")
            [referenced] = plan.referenced
            assert (referenced.kind, referenced.name) == ("Workflow", flow["name"])
            assert referenced.guid == corpus.workflows[0]["guid"]
            assert referenced.live_id == flow["id"]
            assert await moved_since(client, plan) == []

            await client.delete("/Workflow", flow["id"])
            assert await moved_since(client, plan) == [
                f"Workflow {flow['name']!r} (id {flow['id']}), which the plan's changes refer "
                "to, no longer exists in the tenant"
            ]
    finally:
        emu.close()
