"""Halo's save semantics, the same for workflows, ticket rules and event rules: arrays
in, all or nothing, ids and guids as identity, errors keyed by field path."""

from __future__ import annotations

import uuid

import httpx
import pytest

from haloform.emulator import Emulator, EmulatorConfig
from haloform.kinds import KINDS

from .conftest import post

RESOURCES = [spec.api_path.lstrip("/") for spec in KINDS]


@pytest.fixture(params=RESOURCES)
def resource(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def test_one_element_answers_an_object_several_an_array(
    client: httpx.AsyncClient, resource: str
) -> None:
    one = await post(client, f"/api/{resource}", {"name": "A"})
    assert isinstance(one, dict) and one["name"] == "A"
    many = await post(client, f"/api/{resource}", {"name": "B"}, {"name": "C"})
    assert [r["name"] for r in many] == ["B", "C"]
    assert len({one["id"], *(r["id"] for r in many)}) == 3


@pytest.mark.parametrize("config", [EmulatorConfig(post_many_response="first")])
async def test_post_many_response_first_answers_only_the_first(
    client: httpx.AsyncClient, emu: Emulator, resource: str
) -> None:
    answer = await post(client, f"/api/{resource}", {"name": "B"}, {"name": "C"})
    assert answer["name"] == "B"
    assert emu.count(resource) == 2


async def test_a_batch_with_any_invalid_element_stores_nothing(
    client: httpx.AsyncClient, emu: Emulator, resource: str
) -> None:
    body = [{"name": "Fine"}, {"note": "no name"}, {"name": "   "}]
    response = await client.post(f"/api/{resource}", json=body)
    assert response.status_code == 400
    assert response.json() == {"[1].name": "Name is required", "[2].name": "Name is required"}
    assert emu.count(resource) == 0
    created = await post(client, f"/api/{resource}", {"name": "Fine"})
    assert created["id"] == 1, "a refused batch must not use up ids"


async def test_update_of_an_unknown_id_is_refused(client: httpx.AsyncClient, resource: str) -> None:
    response = await client.post(f"/api/{resource}", json=[{"id": 4242, "name": "X"}])
    assert response.status_code == 400
    assert "4242" in response.json()["[0].id"]


async def test_a_known_guid_updates_that_record(
    client: httpx.AsyncClient, emu: Emulator, resource: str
) -> None:
    guid = str(uuid.uuid4())
    first = await post(client, f"/api/{resource}", {"guid": guid, "name": "First"})
    again = await post(client, f"/api/{resource}", {"guid": guid.upper(), "name": "Second"})
    assert (again["id"], again["guid"], again["name"]) == (first["id"], guid, "Second")
    assert emu.count(resource) == 1


async def test_the_clients_guid_is_kept_and_canonicalised(
    client: httpx.AsyncClient, resource: str
) -> None:
    guid = uuid.uuid4()
    saved = await post(client, f"/api/{resource}", {"guid": str(guid).upper(), "name": "A"})
    assert saved["guid"] == str(guid)


@pytest.mark.parametrize("guid", [None, "00000000-0000-0000-0000-000000000000"])
async def test_without_a_guid_the_server_assigns_one(
    client: httpx.AsyncClient, resource: str, guid: str | None
) -> None:
    saved = await post(client, f"/api/{resource}", {"guid": guid, "name": "A"})
    assert uuid.UUID(saved["guid"]).int != 0


@pytest.mark.parametrize("config", [EmulatorConfig(assign_guids=True)])
async def test_assign_guids_replaces_the_clients_guid_on_create(
    client: httpx.AsyncClient, emu: Emulator, resource: str
) -> None:
    mine = str(uuid.uuid4())
    saved = await post(client, f"/api/{resource}", {"guid": mine, "name": "A"})
    assert saved["guid"] != mine
    again = await post(client, f"/api/{resource}", {"guid": saved["guid"], "name": "B"})
    assert (again["id"], again["guid"]) == (saved["id"], saved["guid"])
    assert emu.count(resource) == 1


async def test_another_records_guid_is_refused(client: httpx.AsyncClient, resource: str) -> None:
    a = await post(client, f"/api/{resource}", {"name": "A"})
    b = await post(client, f"/api/{resource}", {"name": "B"})
    response = await client.post(f"/api/{resource}", json=[{"id": b["id"], "guid": a["guid"]}])
    assert response.status_code == 400
    assert "[0].guid" in response.json()


async def test_id_zero_creates(client: httpx.AsyncClient, emu: Emulator, resource: str) -> None:
    saved = await post(client, f"/api/{resource}", {"id": 0, "name": "A"})
    assert saved["id"] > 0 and emu.count(resource) == 1


@pytest.mark.parametrize("config", [EmulatorConfig(accept_zero_id_as_create=False)])
async def test_id_zero_can_be_refused(
    client: httpx.AsyncClient, emu: Emulator, resource: str
) -> None:
    response = await client.post(f"/api/{resource}", json=[{"id": 0, "name": "A"}])
    assert response.status_code == 400 and "[0].id" in response.json()
    await post(client, f"/api/{resource}", {"name": "A"})
    assert emu.count(resource) == 1


async def test_unknown_fields_are_kept_and_server_fields_ignored(
    client: httpx.AsyncClient, resource: str
) -> None:
    saved = await post(
        client,
        f"/api/{resource}",
        {
            "name": "A",
            "future_field": {"nested": [1, 2]},
            "_warning": "from client",
            "in_use": True,
        },
    )
    assert saved["future_field"] == {"nested": [1, 2]}
    assert "_warning" not in saved
    assert saved.get("in_use") is not True


@pytest.mark.parametrize(
    ("content", "error"),
    [(b"[]", "At least one record"), (b'{"name": "A"}', "array"), (b"[{", "not valid JSON")],
)
async def test_bodies_that_are_not_a_non_empty_array_are_refused(
    client: httpx.AsyncClient, resource: str, content: bytes, error: str
) -> None:
    response = await client.post(
        f"/api/{resource}", content=content, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert error in response.json()["$"]


async def test_contract_errors_come_before_semantic_ones_and_name_every_field(
    client: httpx.AsyncClient, emu: Emulator
) -> None:
    body = [{"name": "A", "precedence": "high"}, {"name": 5, "new_agent_id": "x"}]
    response = await client.post("/api/TicketRules", json=body)
    assert response.status_code == 400
    assert set(response.json()) == {"[0].precedence", "[1].name", "[1].new_agent_id"}
    assert emu.count("TicketRules") == 0


@pytest.mark.parametrize("config", [EmulatorConfig(delete_response="empty")])
@pytest.mark.parametrize(
    "path", ["/api/Workflow", "/api/TicketRules", "/api/EventRule", "/api/Event"]
)
async def test_delete_response_empty_answers_200_without_a_body(
    client: httpx.AsyncClient, emu: Emulator, path: str
) -> None:
    if path == "/api/Event":
        rid = emu.records("Event")[0]["id"]
    else:
        rid = (await post(client, path, {"name": "Doomed"}))["id"]
    response = await client.delete(f"{path}/{rid}")
    assert (response.status_code, response.content) == (200, b"")
    assert (await client.get(f"{path}/{rid}")).status_code == 404
