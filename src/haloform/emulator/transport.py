"""Mount the emulator inside an httpx client, with no socket and no thread."""

from __future__ import annotations

import httpx

from haloform.emulator.emulator import Emulator
from haloform.emulator.faults import ConnectionDropped


class EmulatorTransport(httpx.AsyncBaseTransport):
    """httpx's ASGITransport, except that a connection the emulator drops surfaces as
    the transport error a real socket gives, so a client's handling of it is tested
    in-process exactly as it would run over the network."""

    def __init__(self, emulator: Emulator) -> None:
        self._inner = httpx.ASGITransport(app=emulator.app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await self._inner.handle_async_request(request)
        except ConnectionDropped as exc:
            raise httpx.RemoteProtocolError(
                "peer closed connection without sending complete message body", request=request
            ) from exc

    async def aclose(self) -> None:
        await self._inner.aclose()


def emulator_transport(emulator: Emulator) -> httpx.AsyncBaseTransport:
    return EmulatorTransport(emulator)
