"""The apply tests' tenant: the real emulator, reached through a tap that keeps every
request sent and can turn a fault on for exactly the next request of a method."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from haloform.emulator import Emulator, Faults, emulator_transport
from haloform.halo import HaloClient
from tests.conftest import client_for

API = "/api/"
"""Faults only ever hit API calls (never the token request)."""
Rewrite = Callable[[httpx.Request, httpx.Response], httpx.Response]


class Tap(httpx.AsyncBaseTransport):
    """The emulator's in-process transport, watched and steered by a test."""

    def __init__(self, emu: Emulator) -> None:
        self._inner = emulator_transport(emu)
        self._emu = emu
        self.sent: list[httpx.Request] = []
        self._faults: dict[str, list[dict[str, Any]]] = {}
        self.rewrite: Rewrite | None = None
        """Replaces an answer before the client sees it (a Halo that answers otherwise)."""

    def fault_next(self, method: str, **faults: Any) -> None:
        """Inject ``faults`` into the next ``method`` API request only (queued per method)."""
        self._faults.setdefault(method, []).append(faults)

    def bodies(self, method: str = "POST") -> list[bytes]:
        """Bodies of the API requests of ``method`` sent so far."""
        return [
            request.content
            for request in self.sent
            if request.method == method and request.url.path.startswith(API)
        ]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        queued = self._faults.get(request.method)
        if not queued or not request.url.path.startswith(API):
            return await self._answer(request)
        normal = self._emu.config.faults
        self._emu.config.faults = Faults(**queued.pop(0))
        try:
            return await self._answer(request)
        finally:
            self._emu.config.faults = normal

    async def _answer(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        if self.rewrite is None:
            return response
        await response.aread()
        return self.rewrite(request, response)

    async def aclose(self) -> None:
        await self._inner.aclose()


@pytest.fixture
def tap(emu: Emulator) -> Tap:
    return Tap(emu)


@pytest.fixture
async def halo(emu: Emulator, tap: Tap) -> AsyncIterator[HaloClient]:
    """A real client on the emulator, through the tap, with millisecond retries."""
    async with client_for(emu, transport=tap) as client:
        yield client
