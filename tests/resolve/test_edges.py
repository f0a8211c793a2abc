"""Dependency edges from each side: a file's model, a plan's payload, a live record."""

from __future__ import annotations

from typing import Any

from haloform.kinds import KindSpec, by_kind
from haloform.resolve.edges import (
    edge_key,
    live_edges,
    live_refs,
    payload_edges,
    reference_fields,
)
from haloform.resolve.index import ManagedIndex, TenantIndex, managed_ref

PING = "aaaaaaaa-0000-4000-8000-000000000001"
PONG = "aaaaaaaa-0000-4000-8000-000000000002"
INDEX = TenantIndex(
    managed={
        "Workflow": ManagedIndex(
            guid_by_id={1: PING, 2: PONG},
            id_by_guid={PING: 1, PONG: 2},
            name_by_guid={PING: "Ping", PONG: "Pong"},
        )
    }
)


def spec(kind: str) -> KindSpec:
    found = by_kind(kind)
    assert found is not None
    return found


def ping(*switches: Any) -> dict[str, Any]:
    """Live workflow Ping (id 1), a step per switch target (an id, as Halo holds it)."""
    steps = [{"fdid": 10, "step_id": 1, "name": "Start", "isstart": True}]
    steps += [
        {"fdid": 11 + i, "step_id": i + 2, "name": f"Switch {i}", "new_flow_id": target}
        for i, target in enumerate(switches)
    ]
    return {"id": 1, "guid": PING.upper(), "name": "Ping", "steps": steps}


def test_an_edge_key_is_spelled_one_way() -> None:
    assert edge_key("Workflow", "{" + PING.upper() + "}") == f"Workflow/{PING}"


def test_payload_edges_find_symbolic_references_at_any_depth() -> None:
    payload = {
        "name": "Ping",
        "steps": [{"step_id": 2, "new_flow_id": managed_ref("Workflow", PONG.upper())}],
        "new_agent_id": 4,
    }
    assert list(payload_edges(payload)) == [f"Workflow/{PONG}"]
    assert list(payload_edges({"id": 3, "guid": PING})) == []


def test_live_edges_map_tenant_ids_to_managed_resources() -> None:
    assert live_edges(spec("Workflow"), ping(2), INDEX) == (f"Workflow/{PONG}",)
    [ref] = live_refs(spec("Workflow"), ping(2), INDEX)
    assert (ref.path, ref.field, ref.holder["fdid"]) == (
        'steps["Switch 0"].new_flow_id',
        "new_flow_id",
        11,
    )


def test_no_edge_to_itself_nor_to_unset_or_unknown_ids() -> None:
    assert live_edges(spec("Workflow"), ping(1, 0, None, 99), INDEX) == ()


def test_a_rule_refers_to_the_workflow_it_sets() -> None:
    rule = {"id": 5, "guid": "bbbbbbbb-0000-4000-8000-000000000001", "name": "Alpha rule"}
    assert live_edges(spec("TicketRule"), {**rule, "new_workflow_id": 1}, INDEX) == (
        f"Workflow/{PING}",
    )
    assert live_edges(spec("TicketRule"), {**rule, "new_workflow_id": {"id": 2}}, INDEX) == (
        f"Workflow/{PONG}",
    )
    assert live_edges(spec("TicketRule"), {**rule, "new_workflow_id": 0}, INDEX) == ()


def test_reference_fields_name_the_top_level_fields_that_can_refer() -> None:
    assert "steps" in reference_fields(spec("Workflow"))
    assert "new_workflow_id" in reference_fields(spec("TicketRule"))
    assert reference_fields(spec("EventRule")) == frozenset()
