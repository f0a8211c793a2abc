"""Routing as on ASP.NET: case-insensitive paths and query names, a trailing slash
tolerated, unknown routes 404 (before any token check), wrong methods 405."""

from __future__ import annotations

import httpx
import pytest

from haloform.emulator import Emulator

from .conftest import get


@pytest.mark.parametrize(
    "path", ["/api/Workflow", "/api/workflow", "/API/WORKFLOW", "/api/Workflow/"]
)
async def test_paths_are_case_insensitive(client: httpx.AsyncClient, path: str) -> None:
    assert (await client.get(path)).status_code == 200


async def test_query_parameter_names_are_case_insensitive(client: httpx.AsyncClient) -> None:
    await client.post("/api/Workflow", json=[{"name": "Old", "active": False}])
    assert len(await get(client, "/api/Workflow", IncludeInactive=True)) == 1


async def test_unknown_routes_are_404_with_or_without_a_token(
    client: httpx.AsyncClient, anon: httpx.AsyncClient
) -> None:
    for c in (client, anon):
        response = await c.get("/api/NoSuchThing")
        assert response.status_code == 404
        assert "Message" in response.json()
    assert (await client.get("/api/Workflow/not-a-number")).status_code == 404


async def test_wrong_method_is_405(client: httpx.AsyncClient) -> None:
    assert (await client.put("/api/Workflow", json=[])).status_code == 405


async def test_requests_are_logged_as_sent(client: httpx.AsyncClient, emu: Emulator) -> None:
    emu.requests.clear()
    await client.get("/api/TicketType")
    await client.get("/api/Nope")
    assert [tuple(r) for r in emu.requests] == [
        ("GET", "/api/TicketType", 200),
        ("GET", "/api/Nope", 404),
    ]
