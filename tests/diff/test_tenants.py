"""Tenant against tenant: two emulated tenants whose every id differs, filled by applying
repos with the real planner and applier, then compared in the files' terms."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from haloform.apply import Applier
from haloform.diff.fields import FieldChange
from haloform.diff.tenants import (
    Difference,
    Presence,
    Record,
    Side,
    Source,
    TenantComparison,
    compare,
    compare_tenants,
)
from haloform.emulator import Emulator, EmulatorConfig
from haloform.kinds import KINDS
from haloform.kinds.ticket_rule import TICKET_RULE
from haloform.kinds.workflow import WORKFLOW
from haloform.load.validate import validate_repo
from haloform.plan.build import PlanRequest
from haloform.tasks.planning import plan_tenant
from tests.conftest import client_for
from tests.repo_builder import Files, write_repo

SEED = Path(__file__).parents[2] / "src/haloform/emulator/default_seed.yaml"
A, B = (
    Side(environment="dev", tenant="embedded:dev"),
    Side(environment="prod", tenant="embedded:prod"),
)
INCIDENT_GUID = "0e2d6f1a-1111-4a11-8a11-000000000001"
RULE_GUID = "0e2d6f1a-2222-4a22-8a22-000000000001"
INCIDENT = f"""
    kind: Workflow
    guid: {INCIDENT_GUID}
    name: Incident
    steps:
      - step_id: 1
        name: Logged
        isstart: true
        actions:
          - {{action_id: {{outcome: Resolve}}, end_step: 2, seq: 1, time_limit_mins: 240}}
      - {{step_id: 2, name: Closed, isend: true}}
"""
P1_ROUTING = f"""
    kind: TicketRule
    guid: {RULE_GUID}
    name: P1 routing
    precedence: 10
    criteria:
      - {{fieldname: priority_id, type: 0, value_type: int, value_int: {{priority: P1 Critical}}}}
    new_agent_id: {{agent: Carol Network}}
    new_workflow_id: {{workflow: Incident}}
"""
DISK = """
    kind: EventRule
    guid: 0e2d6f1a-3333-4a33-8a33-000000000001
    name: Disk alerts
    event_key: rmm-disk
    tickettype_id: {tickettype: Alert}
"""
REPO: Files = {"incident.yaml": INCIDENT, "p1.yaml": P1_ROUTING, "disk.yaml": DISK}


@pytest.fixture
def dev() -> Iterator[Emulator]:
    with Emulator(EmulatorConfig()) as emu:
        yield emu


@pytest.fixture
def prod() -> Iterator[Emulator]:
    with Emulator(EmulatorConfig(id_offset=50_000)) as emu:
        yield emu


async def apply_repo(
    emu: Emulator, root: Path, files: Files, lookup_names: Mapping[str, Mapping[str, str]] = {}
) -> None:
    """What ``haloform apply`` does with ``files``, in the tenant ``emu``."""
    repo = validate_repo(write_repo(root, files), {})
    repo.diagnostics.raise_for_errors("the test repo has errors")
    request = PlanRequest(repo, "t", "embedded:t", KINDS, lookup_names=lookup_names)
    async with client_for(emu) as client:
        assert (await Applier(client).apply(await plan_tenant(client, request))).ok


async def compare_emulators(
    a: Emulator, b: Emulator, lookup_names: Mapping[str, Mapping[str, str]] = {}
) -> TenantComparison:
    """Compare the two tenants; ``lookup_names`` are B's renames (haloform.yaml's)."""
    async with client_for(a) as client_a, client_for(b) as client_b:
        return await compare_tenants(Source(A, client_a), Source(B, client_b, lookup_names), KINDS)


async def test_one_repo_applied_to_both_is_identical_though_every_id_differs(
    tmp_path: Path, dev: Emulator, prod: Emulator
) -> None:
    await apply_repo(dev, tmp_path / "a", REPO)
    await apply_repo(prod, tmp_path / "b", REPO)
    assert {r["id"] for r in dev.records("TicketRules")}.isdisjoint(
        r["id"] for r in prod.records("TicketRules")
    )

    comparison = await compare_emulators(dev, prod)

    assert not comparison.has_differences
    assert comparison.identical == 3
    assert (comparison.a, comparison.b) == (A, B)
    assert comparison.kinds == tuple(spec.kind for spec in KINDS)


async def test_comparing_sends_only_gets(tmp_path: Path, dev: Emulator, prod: Emulator) -> None:
    await apply_repo(dev, tmp_path / "a", REPO)
    await apply_repo(prod, tmp_path / "b", REPO)
    dev.requests.clear()
    prod.requests.clear()

    await compare_emulators(dev, prod)

    for emu in (dev, prod):
        api = [(method, path) for method, path, _ in emu.requests if path.startswith("/api/")]
        assert {method for method, _ in api} == {"GET"}
        assert ("GET", "/api/TicketRules") in api  # the lists, and details where needed


async def test_a_field_changed_in_one_tenant_is_different(
    tmp_path: Path, dev: Emulator, prod: Emulator
) -> None:
    await apply_repo(dev, tmp_path / "a", REPO)
    changed = P1_ROUTING.replace("precedence: 10", "precedence: 15")
    changed = changed.replace("Carol Network", "Alice Admin")
    await apply_repo(prod, tmp_path / "b", {**REPO, "p1.yaml": changed})

    comparison = await compare_emulators(dev, prod)

    assert comparison.different == (
        Difference(
            kind="TicketRule",
            guid=RULE_GUID,
            name_a="P1 routing",
            name_b="P1 routing",
            fields=(
                FieldChange(
                    path="new_agent_id",
                    before={"agent": "Carol Network"},
                    after={"agent": "Alice Admin"},
                ),
                FieldChange(path="precedence", before=10, after=15),
            ),
        ),
    )
    assert (comparison.identical, comparison.only_in_a, comparison.only_in_b) == (2, (), ())


async def test_fields_either_tenant_sets_are_compared(
    tmp_path: Path, dev: Emulator, prod: Emulator
) -> None:
    only_dev = P1_ROUTING + "    popupmsg: dev only\n"
    await apply_repo(dev, tmp_path / "a", {**REPO, "p1.yaml": only_dev})
    deeper = INCIDENT.replace("time_limit_mins: 240", "time_limit_mins: 240, use_work_hours: true")
    await apply_repo(prod, tmp_path / "b", {**REPO, "incident.yaml": deeper})

    comparison = await compare_emulators(dev, prod)

    fields = {item.name: item.fields for item in comparison.different}
    assert fields == {
        "P1 routing": (FieldChange(path="popupmsg", before="dev only", after=None),),
        "Incident": (
            FieldChange(
                path='steps["Logged"].actions["Resolve -> Closed"].use_work_hours',
                before=None,
                after=True,
            ),
        ),
    }


async def test_a_resource_only_in_one_tenant(tmp_path: Path, dev: Emulator, prod: Emulator) -> None:
    await apply_repo(dev, tmp_path / "a", REPO)
    await apply_repo(prod, tmp_path / "b", {"incident.yaml": INCIDENT})

    comparison = await compare_emulators(dev, prod)

    assert comparison.only_in_a == (
        Presence(kind="EventRule", guid="0e2d6f1a-3333-4a33-8a33-000000000001", name="Disk alerts"),
        Presence(kind="TicketRule", guid=RULE_GUID, name="P1 routing"),
    )
    assert (comparison.only_in_b, comparison.different, comparison.identical) == ((), (), 1)


async def test_a_reference_to_differently_named_lookups_is_different_unless_declared(
    tmp_path: Path, dev: Emulator
) -> None:
    """prod calls Carol "Carol Networks"; its environment's ``lookup_names`` says so."""
    seed = tmp_path / "prod-seed.yaml"
    text = SEED.read_text(encoding="utf-8")
    seed.write_text(text.replace("name: Carol Network,", "name: Carol Networks,"), "utf-8")
    renames = {"agent": {"Carol Network": "Carol Networks"}}
    with Emulator(EmulatorConfig(seed_path=str(seed), id_offset=50_000)) as prod:
        await apply_repo(dev, tmp_path / "a", REPO)
        await apply_repo(prod, tmp_path / "b", REPO, renames)

        undeclared = await compare_emulators(dev, prod)
        declared = await compare_emulators(dev, prod, renames)

    [different] = undeclared.different
    assert different.fields == (
        FieldChange(
            path="new_agent_id",
            before={"agent": "Carol Network"},
            after={"agent": "Carol Networks"},
        ),
    )
    assert not declared.has_differences


async def test_a_renamed_workflow_differs_once_not_in_every_rule_pointing_at_it(
    tmp_path: Path, dev: Emulator, prod: Emulator
) -> None:
    await apply_repo(dev, tmp_path / "a", REPO)
    renamed = {
        "incident.yaml": INCIDENT.replace("name: Incident", "name: Incident v2"),
        "p1.yaml": P1_ROUTING.replace("workflow: Incident", "workflow: Incident v2"),
    }
    await apply_repo(prod, tmp_path / "b", {**REPO, **renamed})

    comparison = await compare_emulators(dev, prod)

    [different] = comparison.different
    assert (different.kind, different.name_a, different.name_b) == (
        "Workflow",
        "Incident",
        "Incident v2",
    )
    assert different.fields == (FieldChange(path="name", before="Incident", after="Incident v2"),)
    assert comparison.identical == 2


def _record(name: str, **fields: object) -> Record:
    return Record(name, {"name": name, **fields})


def test_the_result_is_in_a_stable_order_whatever_the_tenants_answered() -> None:
    snapshot_a = {
        "TicketRule": {
            "g3": _record("beta"),
            "g1": _record("Alpha", precedence=1),
            "g2": _record("alpha"),
        },
        "Workflow": {"g9": _record("Zeta")},
    }
    snapshot_b = {"TicketRule": {"g1": _record("Alpha", precedence=2), "g7": _record("Gamma")}}

    comparison = compare(A, B, [WORKFLOW, TICKET_RULE], snapshot_a, snapshot_b)
    mirrored = compare(
        A, B, [WORKFLOW, TICKET_RULE], dict(reversed(snapshot_a.items())), snapshot_b
    )

    assert comparison == mirrored
    assert [(item.kind, item.name) for item in comparison.only_in_a] == [
        ("TicketRule", "alpha"),
        ("TicketRule", "beta"),
        ("Workflow", "Zeta"),
    ]
    assert [item.name for item in comparison.only_in_b] == ["Gamma"]
    assert comparison.different[0].fields == (FieldChange(path="precedence", before=1, after=2),)
    assert comparison.kinds == ("Workflow", "TicketRule")
