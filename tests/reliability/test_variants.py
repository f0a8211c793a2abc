"""Every way Halo might behave where docs/halo-api.md could only infer it ([I]): the emulator
offers each as a switch, and a small repo must plan, apply, edit, delete and re-plan to
nothing under every one of them. A tenant that replaces the guids haloform sends is the
exception: haloform cannot track what it creates there, so it fails loudly, resource by
resource, and a second run must not make a second copy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from haloform.apply import ApplyOptions, Status
from haloform.emulator import Emulator, EmulatorConfig, Faults
from haloform.halo import RateLimiter
from haloform.plan.model import Action
from haloform.tasks.planning import plan_tenant
from tests.reliability.tenant import (
    Project,
    apply_reporting,
    assert_exact,
    assert_no_duplicates,
    assert_tenant_holds,
    converge,
    fast_client,
    held,
    managed_rows,
    project,
    served,
)

SWITCHES: list[tuple[str, Any]] = [
    ("assign_guids", False),
    ("eventrule_list", "bare"),
    ("eventrule_list", "wrapped"),
    ("list_children", False),
    ("list_children", True),
    ("post_many_response", "array"),
    ("post_many_response", "first"),
    ("returnall", True),
    ("delete_response", "object"),
    ("delete_response", "empty"),
    ("accept_zero_id_as_create", True),
    ("accept_zero_id_as_create", False),
]


async def _lifecycle(emu: Emulator, repo: Project, *, limiter: RateLimiter | None = None) -> None:
    """Create, re-plan, edit and delete, re-plan: each apply in one clean round."""
    async with fast_client(emu, limiter=limiter) as client:
        [created] = await converge(emu, client, repo)
        assert created.ok and created.count(Status.APPLIED, Action.CREATE) == len(repo.documents())
        assert_tenant_holds(emu, repo)
        repo.edit(seed=2)
        repo.tombstone([1, 4])
        [changed] = await converge(emu, client, repo, options=ApplyOptions(allow_delete=True))
        assert changed.ok and changed.count(Status.APPLIED, Action.DELETE) == 2
    assert_tenant_holds(emu, repo)


@pytest.mark.parametrize(
    ("switch", "value"), SWITCHES, ids=[f"{name}={value}" for name, value in SWITCHES]
)
async def test_a_repo_converges_under_each_inferred_behaviour(
    tmp_path: Path, switch: str, value: Any
) -> None:
    repo = project(tmp_path, rules=8, flows=3, events=2)
    with Emulator(EmulatorConfig.model_validate({switch: value})) as emu:
        await _lifecycle(emu, repo)


async def test_a_repo_converges_under_every_unusual_behaviour_at_once(tmp_path: Path) -> None:
    repo = project(tmp_path, rules=8, flows=3, events=2)
    config = EmulatorConfig(
        eventrule_list="wrapped",
        list_children=True,
        post_many_response="first",
        delete_response="empty",
        accept_zero_id_as_create=False,
    )
    with Emulator(config) as emu:
        await _lifecycle(emu, repo)


RATE_FORMS = [
    ("message", False),
    ("error", False),
    ("text", False),
    ("message", True),
    ("error", True),
    ("text", True),
]


@pytest.mark.parametrize(
    ("body", "retry_after"),
    RATE_FORMS,
    ids=[f"{body}{'+Retry-After' if ra else ''}" for body, ra in RATE_FORMS],
)
async def test_a_repo_converges_through_each_form_of_429(
    tmp_path: Path, body: Any, retry_after: bool
) -> None:
    repo = project(tmp_path, rules=8, flows=3, events=2)
    faults = Faults(rate_limit=20, rate_window_s=1, rate_limit_body=body, retry_after=retry_after)
    with Emulator(EmulatorConfig(faults=faults)) as emu:
        async with fast_client(emu, limiter=RateLimiter(24, 1)) as client:
            [report] = await converge(emu, client, repo)
        assert report.ok, report.summary()
        assert_tenant_holds(emu, repo)
        assert served(emu)[429] > 0


def _post_count(emu: Emulator) -> int:
    return sum(1 for method, path, _ in emu.requests if method == "POST" and path != "/auth/token")


async def test_a_tenant_that_replaces_guids_fails_loudly_and_never_makes_a_second_copy(
    tmp_path: Path,
) -> None:
    repo = project(tmp_path, rules=3, flows=2, events=1)
    with Emulator(EmulatorConfig(assign_guids=True)) as emu:
        async with fast_client(emu) as client:
            plan = await plan_tenant(client, repo.request())
            first = await apply_reporting(client, plan)
            assert_exact(plan, first)
            assert not first.ok
            failed = [r for r in first.results if r.status is Status.FAILED]
            assert failed and all(r.live_id is not None for r in failed)
            for result in failed:
                # What the admin reads, per resource: the guid that was sent, the one
                # the tenant gave it, the record left behind and what to do about it.
                assert result.message is not None
                assert result.message.startswith(f"the tenant replaced guid {result.guid} with ")
                assert f"(id {result.live_id}) now exists" in result.message
                assert "delete it or adopt its guid" in result.message
            assert {r.status for r in first.results} == {Status.FAILED, Status.SKIPPED}
            left_behind = held(emu)
            assert sum(left_behind.values()) == len(failed)

            posts = _post_count(emu)
            again = await plan_tenant(client, repo.request())
            assert {u.live_id for u in again.unmanaged} == {r.live_id for r in failed}
            second = await apply_reporting(client, again)
            assert_exact(again, second)
            assert _post_count(emu) == posts, "the second apply sent a create again"
            assert held(emu) == left_behind
            assert_no_duplicates(emu)
            refused = {r.key: r for r in second.results if r.status is Status.FAILED}
            assert refused.keys() == {r.key for r in failed}
            for result in refused.values():
                assert result.message is not None
                assert result.message.startswith("not sent: the tenant already holds ")
                assert "adopt its guid" in result.message

            await _adopt_until_converged(emu, repo)
        assert_tenant_holds(emu, repo)


async def _adopt_until_converged(emu: Emulator, repo: Project) -> None:
    """Do what the messages say: write the tenant's guid into each file whose record it
    replaced, and apply again, until the plan is empty."""
    async with fast_client(emu) as client:
        for _ in range(6):
            plan = await plan_tenant(client, repo.request())
            if not plan.has_changes:
                return
            report = await apply_reporting(client, plan)
            assert_exact(plan, report)
            assert_no_duplicates(emu)
            guids = {(kind, row["id"]): str(row["guid"]) for kind, row in managed_rows(emu)}
            for result in report.results:
                if result.status is Status.FAILED and result.live_id is not None:
                    repo.rename_guid(result.guid, guids[(result.kind, result.live_id)])
            repo.write()
    raise AssertionError("adopting the tenant's guids did not converge")
