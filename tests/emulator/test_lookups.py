"""The read-only tenant directory: shapes, paging wrappers, Halo's odd keys."""

from __future__ import annotations

import httpx
import pytest

from haloform.emulator import Emulator, EmulatorConfig

from .conftest import client_for, fetch_token, get

WITH_GUID = ["Team", "Status", "SLA", "TicketType", "Template"]


@pytest.mark.parametrize(
    ("resource", "names"),
    [
        ("Agent", {"Alice Admin", "Bob Builder", "Carol Network"}),
        ("Team", {"Service Desk", "Network"}),
        ("Status", {"New", "Closed"}),
        ("Priority", {"P1 Critical", "P2 High", "P3 Medium", "P4 Low"}),
        ("SLA", {"Standard", "Platinum"}),
        ("TicketType", {"Incident", "Service Request", "Problem", "Alert"}),
        ("Template", {"Server Down"}),
    ],
)
async def test_lists_are_bare_arrays_of_the_seeded_directory(
    client: httpx.AsyncClient, resource: str, names: set[str]
) -> None:
    rows = await get(client, f"/api/{resource}")
    assert isinstance(rows, list)
    assert names <= {row["name"] for row in rows}


@pytest.mark.parametrize("resource", WITH_GUID)
async def test_rows_carry_id_name_and_guid(client: httpx.AsyncClient, resource: str) -> None:
    row = (await get(client, f"/api/{resource}"))[0]
    assert isinstance(row["id"], int) and row["name"] and row["guid"]
    assert await get(client, f"/api/{resource}/{row['id']}") == row


async def test_agents_have_no_guid(client: httpx.AsyncClient) -> None:
    assert not any("guid" in agent for agent in await get(client, "/api/Agent"))


async def test_outcomes_are_labelled_by_buttonname(client: httpx.AsyncClient) -> None:
    outcomes = await get(client, "/api/Outcome")
    assert {"Assign", "Escalate", "Resolve", "Close"} <= {o["buttonname"] for o in outcomes}
    assert all({"outcome", "labellong", "guid"} <= o.keys() for o in outcomes)


async def test_priorities_are_keyed_by_a_guid_string(client: httpx.AsyncClient) -> None:
    p1 = next(p for p in await get(client, "/api/Priority") if p["name"] == "P1 Critical")
    assert isinstance(p1["id"], str) and isinstance(p1["priorityid"], int) and "slaid" in p1
    assert await get(client, f"/api/Priority/{p1['id']}") == p1
    assert await get(client, f"/api/Priority/{p1['id'].upper()}") == p1
    assert (await client.get(f"/api/Priority/{p1['priorityid']}")).status_code == 404


@pytest.mark.parametrize(("resource", "key"), [("Agent", "results"), ("Template", "stdrequests")])
async def test_pageinate_wraps_agents_and_templates(
    client: httpx.AsyncClient, resource: str, key: str
) -> None:
    everything = await get(client, f"/api/{resource}")
    paged = await get(client, f"/api/{resource}", pageinate=True, page_size=2, page_no=2)
    assert paged["record_count"] == len(everything)
    assert (paged["page_no"], paged["page_size"]) == (2, 2)
    assert paged[key] == everything[2:4]


@pytest.mark.parametrize("resource", ["Team", "Status", "Priority", "SLA", "TicketType", "Outcome"])
async def test_pageinate_leaves_other_lookups_bare(
    client: httpx.AsyncClient, resource: str
) -> None:
    assert isinstance(await get(client, f"/api/{resource}", pageinate=True, page_size=1), list)


async def test_unknown_ids_are_404(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/Agent/999")).status_code == 404


async def test_lookups_are_read_only(client: httpx.AsyncClient) -> None:
    assert (await client.post("/api/Agent", json=[{"name": "Eve"}])).status_code == 405


async def test_id_offset_shifts_every_id_but_no_name_or_guid(emu: Emulator) -> None:
    with Emulator(EmulatorConfig(id_offset=1000)) as other:
        async with client_for(emu) as a, client_for(other) as b:
            for c in (a, b):
                c.headers["Authorization"] = f"Bearer {await fetch_token(c)}"
            for resource in ("Agent", "Team", "TicketType", "Outcome"):
                mine, theirs = await get(a, f"/api/{resource}"), await get(b, f"/api/{resource}")
                assert [r["id"] + 1000 for r in mine] == [r["id"] for r in theirs]
                assert [r.get("guid") for r in mine] == [r.get("guid") for r in theirs]
            p_mine, p_theirs = await get(a, "/api/Priority"), await get(b, "/api/Priority")
            assert [p["priorityid"] + 1000 for p in p_mine] == [p["priorityid"] for p in p_theirs]
            assert [p["id"] for p in p_mine] == [p["id"] for p in p_theirs]
            body = [{"name": "Same", "steps": [{"step_id": 1, "actions": [{"end_step": 1}]}]}]
            flow_a = (await a.post("/api/Workflow", json=body)).json()
            flow_b = (await b.post("/api/Workflow", json=body)).json()
            assert flow_b["id"] == flow_a["id"] + 1000
            step_a, step_b = flow_a["steps"][0], flow_b["steps"][0]
            assert step_b["fdid"] == step_a["fdid"] + 1000
            assert step_b["actions"][0]["id"] == step_a["actions"][0]["id"] + 1000
