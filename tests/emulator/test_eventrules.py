"""/EventRule: companions of its ticket type and template, children with ids, and the
two unconfirmed list shapes."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from haloform.emulator import Emulator, EmulatorConfig

from .conftest import get, lookup_id, post

CHILDREN = {"criteria", "ticket_matching_criteria", "mappings", "values"}


def rmm_disk(emu: Emulator) -> dict[str, Any]:
    return {
        "guid": "e7e7a1b2-3c4d-4e5f-8a9b-0c1d2e3f4a51",
        "name": "RMM disk alerts",
        "event_key": "rmm-disk",
        "tickettype_id": lookup_id(emu, "TicketType", "Alert"),
        "template_id": lookup_id(emu, "Template", "Server Down"),
        "criteria": [{"fieldname": "alert_type", "type": 0, "value_string": "disk"}],
        "mappings": [{"integration_method_value_name": "device", "field_name": "summary"}],
    }


async def test_create_answers_companions_and_child_ids(
    client: httpx.AsyncClient, emu: Emulator
) -> None:
    rule = await post(client, "/api/EventRule", rmm_disk(emu))
    assert (rule["tickettype_name"], rule["tickettype_guid"]) == (
        "Alert",
        "5e0cdb63-8289-482f-9f72-7143adc81b1a",
    )
    assert (rule["template_name"], rule["template_guid"]) == (
        "Server Down",
        "350226db-cab2-4f89-ac53-11859c67c794",
    )
    assert rule["active"] is True
    for child in (rule["criteria"][0], rule["mappings"][0]):
        assert child["id"] > 0 and child["eventrule_id"] == rule["id"]
    assert rule["criteria"][0]["value_display"] == "disk"
    assert await get(client, f"/api/EventRule/{rule['id']}") == rule


async def test_list_is_bare_and_leaves_children_out_by_default(
    client: httpx.AsyncClient, emu: Emulator
) -> None:
    rule = await post(client, "/api/EventRule", rmm_disk(emu))
    listed = await get(client, "/api/EventRule")
    assert [r["id"] for r in listed] == [rule["id"]]
    assert not CHILDREN & listed[0].keys()
    assert listed[0]["tickettype_name"] == "Alert"


@pytest.mark.parametrize("config", [EmulatorConfig(eventrule_list="wrapped", list_children=True)])
async def test_list_variants_wrapped_and_with_children(
    client: httpx.AsyncClient, emu: Emulator
) -> None:
    await post(client, "/api/EventRule", rmm_disk(emu))
    listed = await get(client, "/api/EventRule")
    assert listed["record_count"] == 1
    assert listed["eventrules"][0]["mappings"][0]["field_name"] == "summary"


@pytest.mark.parametrize(("field", "value"), [("tickettype_id", 999), ("template_id", 999)])
async def test_references_must_exist(client: httpx.AsyncClient, field: str, value: int) -> None:
    response = await client.post("/api/EventRule", json=[{"name": "E", field: value}])
    assert response.status_code == 400
    assert f"[0].{field}" in response.json()


async def test_delete(client: httpx.AsyncClient, emu: Emulator) -> None:
    rule = await post(client, "/api/EventRule", rmm_disk(emu))
    assert (await client.delete(f"/api/eventrule/{rule['id']}")).json()["name"] == "RMM disk alerts"
    assert emu.count("EventRule") == 0
    assert (await client.get(f"/api/EventRule/{rule['id']}")).status_code == 404
