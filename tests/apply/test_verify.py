"""Read-back verification in the core: the fewest requests, and only what Halo did not
keep reported (a reference read back as the same workflow is kept)."""

from __future__ import annotations

from haloform.apply import Applier, ApplyOptions
from haloform.emulator import Emulator
from haloform.halo import HaloClient
from haloform.plan.model import Plan, Referenced
from tests.apply.plans import (
    RULE,
    WORKFLOW,
    create,
    levels,
    new_guid,
    plan_of,
    ref,
    rule,
    update,
    workflow,
)


def _plan() -> tuple[str, Plan]:
    flow, rule_guid = new_guid(), new_guid()
    wf = create(WORKFLOW, workflow(flow, "Incident"))
    rl = create(
        RULE,
        rule(rule_guid, "P1 to Incident", stopmatching=True, new_workflow_id=ref(WORKFLOW, flow)),
        depends_on=[wf.key],
    )
    return rule_guid, plan_of(wf, rl)


async def test_a_clean_apply_verifies_with_one_list_per_kind_and_no_write(
    emu: Emulator, halo: HaloClient
) -> None:
    _, plan = _plan()
    applier = Applier(halo, ApplyOptions(verify=True))
    before = len(emu.requests)
    report = await applier.apply(plan, levels(plan))
    verification = report.verification
    assert verification is not None and verification.ok and report.ok
    assert verification.checked == 2 and verification.not_kept == ()
    sent = [(m, p) for m, p, _ in emu.requests[before:] if p.startswith("/api/")]
    read_back = sent[-verification.requests :]
    # One list per kind written; the workflow's steps (its list row lacks them) from
    # the one step list, as the planner reads them; never a write.
    assert sorted(read_back) == [
        ("GET", "/api/TicketRules"),
        ("GET", "/api/Workflow"),
        ("GET", "/api/workflowstep"),
    ]


async def test_a_field_not_kept_is_reported_and_fails_the_report(
    emu: Emulator, halo: HaloClient
) -> None:
    _, plan = _plan()
    emu.config.not_kept = {"ticketrules": ["stopmatching"]}
    report = await Applier(halo, ApplyOptions(verify=True)).apply(plan, levels(plan))
    assert report.verification is not None
    assert [(n.kind, n.name, n.path, n.sent) for n in report.verification.not_kept] == [
        ("TicketRule", "P1 to Incident", "stopmatching", True)
    ]
    assert not report.ok


async def test_without_verify_asked_the_report_carries_none(halo: HaloClient) -> None:
    _, plan = _plan()
    report = await Applier(halo).apply(plan, levels(plan))
    assert report.verification is None and report.ok
    skipped = await Applier(halo, ApplyOptions(verify=False)).apply(plan, levels(plan))
    assert skipped.verification is not None and skipped.verification.skipped


async def _retarget(halo: HaloClient) -> Plan:
    """A live rule on workflow Old, and a plan moving it to workflow New, which the plan
    leaves as it is and records by id."""
    old, new, rule_guid = new_guid(), new_guid(), new_guid()
    saved_old, saved_new = await halo.post(
        "/Workflow", [workflow(old, "Old"), workflow(new, "New")]
    )
    [live] = await halo.post(
        "/TicketRules", [rule(rule_guid, "R", new_workflow_id=saved_old["id"])]
    )
    moved = update(RULE, live["id"], rule(rule_guid, "R", new_workflow_id=ref(WORKFLOW, new)))
    known = Referenced(kind=WORKFLOW, guid=new, name="New", live_id=saved_new["id"])
    return plan_of(moved).model_copy(update={"referenced": (known,)})


async def test_a_reference_to_an_unchanged_workflow_is_checked_without_listing_it(
    emu: Emulator, halo: HaloClient
) -> None:
    plan = await _retarget(halo)
    before = len(emu.requests)
    report = await Applier(halo, ApplyOptions(verify=True)).apply(plan, levels(plan))
    assert report.ok and report.verification is not None and report.verification.ok
    gets = [path for method, path, _ in emu.requests[before:] if method == "GET"]
    assert gets == ["/api/TicketRules"]


async def test_a_reference_halo_did_not_keep_is_reported(emu: Emulator, halo: HaloClient) -> None:
    plan = await _retarget(halo)
    emu.config.not_kept = {"ticketrules": ["new_workflow_id"]}
    report = await Applier(halo, ApplyOptions(verify=True)).apply(plan, levels(plan))
    assert report.verification is not None and not report.ok
    [not_kept] = report.verification.not_kept
    assert (not_kept.name, not_kept.path) == ("R", "new_workflow_id")
    # named, though the plan recorded only New's id: on a mismatch the kind is listed
    assert (not_kept.sent, not_kept.kept) == ({"workflow": "New"}, {"workflow": "Old"})
