"""Runtime records: /Event, /Automation and /Notifications."""

from __future__ import annotations

import httpx
import pytest

from haloform.emulator import Emulator

from .conftest import get


async def test_events_are_bare_without_paging_and_wrapped_with_it(
    client: httpx.AsyncClient,
) -> None:
    events = await get(client, "/api/Event")
    assert isinstance(events, list) and len(events) == 3
    paged = await get(client, "/api/Event", pageinate=True, page_size=2, page_no=1)
    assert paged == {"record_count": 3, "page_no": 1, "page_size": 2, "events": events[:2]}


async def test_paging_rejects_pages_below_one(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/Event", params={"pageinate": "true", "page_size": "0"})
    assert response.status_code == 400


async def test_posting_event_ids_processes_them(client: httpx.AsyncClient, emu: Emulator) -> None:
    received = [e["id"] for e in await get(client, "/api/Event") if e["status"] == "Received"]
    response = await client.post("/api/Event", json=received)
    assert response.status_code == 200
    assert {e["status"] for e in response.json()} == {"Processed"}
    assert all(e["status"] == "Processed" for e in emu.records("Event"))


async def test_posting_unknown_ids_changes_nothing(
    client: httpx.AsyncClient, emu: Emulator
) -> None:
    before = emu.records("Automation")
    response = await client.post("/api/Automation", json=[before[0]["id"], 999])
    assert response.status_code == 400 and "[1]" in response.json()
    assert emu.records("Automation") == before


async def test_automations_are_an_automation_view(client: httpx.AsyncClient) -> None:
    view = await get(client, "/api/Automation")
    assert (view["page_no"], view["record_count"], len(view["automations"])) == (1, 3, 3)
    paged = await get(client, "/api/Automation", pageinate=True, page_size=1, page_no=3)
    assert paged["automations"] == view["automations"][2:]


async def test_triggering_automations_queues_them(client: httpx.AsyncClient) -> None:
    failed = next(
        a for a in (await get(client, "/api/Automation"))["automations"] if a["status"] == 1
    )
    response = await client.post("/api/Automation", json=[failed["id"]])
    assert response.json()[0]["status"] == "Queued"
    assert (await get(client, f"/api/Automation/{failed['id']}"))["status"] == "Queued"


async def test_running_a_runbook_takes_a_multipart_form_collection(
    client: httpx.AsyncClient, emu: Emulator
) -> None:
    runbook = "db4104cf-0a93-4646-8586-b4d508a3e37c"
    response = await client.post(
        f"/api/Automation/{runbook}", files={"formCollection": (None, '{"host": "SRV-01"}')}
    )
    assert response.status_code == 200
    run = response.json()
    assert (run["runbook_id"], run["status"], run["form"]) == (
        runbook,
        "Queued",
        {"host": "SRV-01"},
    )
    assert emu.count("Automation") == 4
    missing = await client.post(f"/api/Automation/{runbook}", files={"other": (None, "x")})
    assert missing.status_code == 400 and "formCollection" in missing.json()


async def test_notifications_newest_first_with_their_filters(client: httpx.AsyncClient) -> None:
    ids = [n["id"] for n in await get(client, "/api/Notifications")]
    assert ids == sorted(ids, reverse=True)
    assert [n["id"] for n in await get(client, "/api/Notifications", count=2)] == ids[:2]
    newer = await get(client, "/api/Notifications", newer_than_id=ids[2])
    assert [n["id"] for n in newer] == ids[:2]
    older = await get(client, "/api/Notifications", older_than_id=ids[1])
    assert [n["id"] for n in older] == ids[2:]
    paged = await get(client, "/api/Notifications", pageinate=True, page_size=3, page_no=2)
    assert (paged["record_count"], [n["id"] for n in paged["notifications"]]) == (4, ids[3:])
    assert (await get(client, f"/api/Notifications/{ids[0]}"))["id"] == ids[0]


async def test_notification_parameters_are_typed(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/Notifications", params={"count": "two", "pageinate": "yes"})
    assert response.status_code == 400
    assert set(response.json()) == {"count", "pageinate"}


@pytest.mark.parametrize("resource", ["Event", "Automation"])
async def test_delete_answers_the_record(
    client: httpx.AsyncClient, emu: Emulator, resource: str
) -> None:
    first = emu.records(resource)[0]
    response = await client.delete(f"/api/{resource}/{first['id']}")
    assert response.json() == first
    assert (await client.get(f"/api/{resource}/{first['id']}")).status_code == 404
    assert (await client.delete(f"/api/{resource}/{first['id']}")).status_code == 404
