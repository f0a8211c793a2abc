"""Injected faults: Halo's rate limit, random 500s, dropped connections, writes whose
answer is lost, latency. Only /api calls suffer them, and only when asked."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

import httpx
import pydantic
import pytest

from haloform.emulator import Emulator, EmulatorConfig, Faults

from .conftest import CREDENTIALS, FakeClock, client_for, fetch_token


async def _statuses(client: httpx.AsyncClient, n: int, path: str = "/api/Team") -> list[int]:
    return [(await client.get(path)).status_code for _ in range(n)]


async def test_rate_limit_answers_halos_429_after_n_requests_in_the_window(
    client: httpx.AsyncClient, emu: Emulator, clock: FakeClock
) -> None:
    emu.config.faults.rate_limit = 3
    assert await _statuses(client, 3) == [200, 200, 200]
    clock.advance(100)
    refused = await client.get("/api/Team")
    assert refused.status_code == 429
    assert refused.json() == {
        "Message": "Rate Limit Reached - 3 Requests per rolling 5 minute window"
    }
    assert "Retry-After" not in refused.headers
    clock.advance(200)
    assert await _statuses(client, 4) == [200, 200, 200, 429]


async def test_retry_after_is_sent_only_when_asked(
    client: httpx.AsyncClient, emu: Emulator, clock: FakeClock
) -> None:
    emu.config.faults = Faults(rate_limit=1, rate_window_s=30, retry_after=True)
    await client.get("/api/Team")
    clock.advance(10.5)
    refused = await client.get("/api/Team")
    assert refused.headers["Retry-After"] == "20"
    assert refused.json()["Message"].endswith("per rolling 30 second window")


def _error_field(response: httpx.Response) -> str:
    return str(response.json()["error"])


def _text(response: httpx.Response) -> str:
    return response.text


@pytest.mark.parametrize(("body", "read"), [("error", _error_field), ("text", _text)])
async def test_rate_limit_body_forms(
    client: httpx.AsyncClient,
    emu: Emulator,
    body: Literal["error", "text"],
    read: Callable[[httpx.Response], str],
) -> None:
    emu.config.faults = Faults(rate_limit=1, rate_limit_body=body)
    await client.get("/api/Team")
    refused = await client.get("/api/Team")
    assert refused.status_code == 429
    assert read(refused) == "Rate Limit Reached - 1 Requests per rolling 5 minute window"


async def test_the_window_is_per_client_not_per_token(
    client: httpx.AsyncClient, emu: Emulator
) -> None:
    emu.config.faults.rate_limit = 2
    await _statuses(client, 2)
    client.headers["Authorization"] = f"Bearer {await fetch_token(client)}"
    assert (await client.get("/api/Team")).status_code == 429
    del client.headers["Authorization"]
    assert (await client.get("/api/Team")).status_code == 401, "anonymous calls count apart"


async def test_auth_calls_never_suffer_faults(anon: httpx.AsyncClient, emu: Emulator) -> None:
    emu.config.faults = Faults(rate_limit=1, error_rate=1, drop_rate=1)
    for _ in range(3):
        assert (await anon.post("/auth/token", data=CREDENTIALS)).status_code == 200
        assert (await anon.get("/api/authinfo")).status_code == 200


async def test_error_rate_answers_500_before_doing_anything(
    client: httpx.AsyncClient, emu: Emulator
) -> None:
    emu.config.faults.error_rate = 1
    response = await client.post("/api/Workflow", json=[{"name": "W"}])
    assert response.status_code == 500 and "Message" in response.json()
    assert emu.count("Workflow") == 0


async def test_seeded_faults_repeat_exactly(emu: Emulator) -> None:
    async def run(emulator: Emulator) -> list[int]:
        async with client_for(emulator) as c:
            c.headers["Authorization"] = f"Bearer {await fetch_token(c)}"
            emulator.config.faults = Faults(error_rate=0.5, seed=7)
            return await _statuses(c, 20)

    with Emulator() as other:
        first, second = await run(emu), await run(other)
    assert first == second
    assert {200, 500} == set(first)


async def test_a_dropped_connection_is_an_httpx_transport_error(
    client: httpx.AsyncClient, emu: Emulator
) -> None:
    emu.config.faults.drop_rate = 1
    with pytest.raises(httpx.RemoteProtocolError):
        await client.post("/api/Workflow", json=[{"name": "W"}])
    assert emu.count("Workflow") == 0
    assert emu.requests[-1].status == 0


async def test_commit_then_fail_stores_the_write_and_answers_500(
    client: httpx.AsyncClient, emu: Emulator
) -> None:
    emu.config.faults.commit_then_fail_rate = 1
    response = await client.post("/api/Workflow", json=[{"name": "W"}])
    assert response.status_code == 500
    assert [w["name"] for w in emu.records("Workflow")] == ["W"]
    assert (await client.get("/api/Workflow")).status_code == 200, "reads are not writes"


async def test_latency_delays_api_calls(client: httpx.AsyncClient, emu: Emulator) -> None:
    emu.config.faults.latency_ms = 60
    started = time.perf_counter()
    await client.get("/api/Team")
    assert time.perf_counter() - started >= 0.06


def test_fault_settings_are_validated_even_when_changed_later() -> None:
    config = EmulatorConfig()
    with pytest.raises(pydantic.ValidationError):
        config.faults.error_rate = 1.5
    with pytest.raises(pydantic.ValidationError):
        EmulatorConfig(eventrule_list="sometimes")
