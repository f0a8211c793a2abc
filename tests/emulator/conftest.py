"""Fixtures for the emulator's tests: an emulator per test, an httpx client mounted
on it in-process (already holding a token), and a clock the test moves by hand."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from haloform.emulator import Emulator, EmulatorConfig, emulator_transport

BASE_URL = "http://halo.test"
CREDENTIALS = {
    "grant_type": "client_credentials",
    "client_id": "haloform-emulator",
    "client_secret": "emulator-secret",
    "scope": "all",
}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def config() -> EmulatorConfig:
    """Override in a test module (or change ``emu.config``) to try another variant."""
    return EmulatorConfig()


@pytest.fixture
def emu(config: EmulatorConfig, clock: FakeClock) -> Iterator[Emulator]:
    with Emulator(config, clock=clock) as emulator:
        yield emulator


def client_for(emu: Emulator) -> httpx.AsyncClient:
    """An httpx client with the emulator mounted in-process."""
    return httpx.AsyncClient(transport=emulator_transport(emu), base_url=BASE_URL)


@pytest.fixture
async def anon(emu: Emulator) -> AsyncIterator[httpx.AsyncClient]:
    """A client without a token."""
    async with client_for(emu) as client:
        yield client


@pytest.fixture
async def client(anon: httpx.AsyncClient) -> httpx.AsyncClient:
    """A client holding a valid bearer token."""
    anon.headers["Authorization"] = f"Bearer {await fetch_token(anon)}"
    return anon


async def fetch_token(client: httpx.AsyncClient, **overrides: str) -> str:
    response = await client.post("/auth/token", data={**CREDENTIALS, **overrides})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


async def post(client: httpx.AsyncClient, path: str, *elements: dict[str, Any]) -> Any:
    """POST elements as Halo wants (an array) and return the answer, asserting 200."""
    response = await client.post(path, json=list(elements))
    assert response.status_code == 200, response.text
    return response.json()


async def get(client: httpx.AsyncClient, path: str, **params: object) -> Any:
    response = await client.get(path, params={k: str(v).lower() for k, v in params.items()})
    assert response.status_code == 200, response.text
    return response.json()


def lookup_id(emu: Emulator, resource: str, name: str, key: str = "id") -> int:
    """The id a seeded lookup has in this tenant (outcomes are named by ``buttonname``)."""
    rows = emu.records(resource)
    matches = [row[key] for row in rows if name in (row.get("name"), row.get("buttonname"))]
    assert len(matches) == 1, (resource, name)
    return int(matches[0])
