"""The emulator on a real loopback socket: the same API, a dropped connection that is
really dropped, and a third-party Halo client that knows nothing of haloform."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from haloform.emulator import Emulator, running_server

from .conftest import CREDENTIALS


@pytest.fixture
def base_url(emu: Emulator) -> Iterator[str]:
    with running_server(emu) as url:
        yield url


async def _token(client: httpx.AsyncClient) -> str:
    info = (await client.get("/api/authinfo")).json()
    response = await client.post(
        f"{info['auth_url']}/token", params={"tenant": info["tenant_id"]}, data=CREDENTIALS
    )
    return str(response.json()["access_token"])


async def test_a_real_client_authenticates_and_writes(base_url: str, emu: Emulator) -> None:
    async with httpx.AsyncClient(base_url=base_url) as client:
        client.headers["Authorization"] = f"Bearer {await _token(client)}"
        response = await client.post("/api/Workflow", json=[{"name": "Over the wire"}])
        assert response.status_code == 200
        assert [w["name"] for w in (await client.get("/api/workflow")).json()] == ["Over the wire"]
    assert emu.count("Workflow") == 1


async def test_a_dropped_connection_is_dropped_on_the_socket(base_url: str, emu: Emulator) -> None:
    async with httpx.AsyncClient(base_url=base_url) as client:
        client.headers["Authorization"] = f"Bearer {await _token(client)}"
        emu.config.faults.drop_rate = 1
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            await client.get("/api/Team")
        emu.config.faults.drop_rate = 0
        assert (await client.get("/api/Team")).status_code == 200, "the server lives on"


def test_haloitsm_python_lists_ticket_types(base_url: str) -> None:
    from halo import HaloClient  # type: ignore[import-untyped]

    client = HaloClient(
        base_url=base_url,
        client_id=CREDENTIALS["client_id"],
        client_secret=CREDENTIALS["client_secret"],
    )
    names = {ticket_type.name for ticket_type in client.ticket_types.list()}
    assert {"Incident", "Service Request", "Problem", "Alert"} <= names


async def test_serve_runs_the_emulator_until_stopped() -> None:
    port = _free_port()
    code = (
        "from haloform.emulator import Emulator, serve; "
        f"serve(Emulator(), host='127.0.0.1', port={port})"
    )
    server = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            info = await _wait_for(client, "/api/authinfo")
            assert info == {"auth_url": f"http://127.0.0.1:{port}/auth", "tenant_id": "emulator"}
    finally:
        server.terminate()
        server.communicate(timeout=10)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _wait_for(client: httpx.AsyncClient, path: str) -> object:
    deadline = time.monotonic() + 15
    while True:
        try:
            return (await client.get(path)).json()
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.05)
