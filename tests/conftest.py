"""Fixtures shared by the core's tests: an emulated tenant and a client mounted on it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from haloform.emulator import Emulator, EmulatorConfig, emulator_transport
from haloform.halo import Credentials, HaloClient, RetryPolicy
from haloform.halo.credentials import ENV_VARS

EMBEDDED_URL = "http://127.0.0.1"
LIVE_TENANT_VARIABLES = tuple(name for names in ENV_VARS.values() for name in names)
"""Every variable that could point a command at a real Halo; tests remove them all."""


def client_for(emu: Emulator) -> HaloClient:
    """A real ``HaloClient`` whose transport is the emulator, in-process."""
    credentials = Credentials(
        url=EMBEDDED_URL,
        client_id=emu.config.client_id,
        client_secret=emu.config.client_secret,
        tenant=emu.config.tenant,
    )
    policy = RetryPolicy(base_delay_s=0.001, max_delay_s=0.01)
    return HaloClient(credentials, transport=emulator_transport(emu), retry=policy)


@pytest.fixture
def emu() -> Iterator[Emulator]:
    emulator = Emulator(EmulatorConfig())
    yield emulator
    emulator.close()


@pytest.fixture
async def halo(emu: Emulator) -> AsyncIterator[HaloClient]:
    async with client_for(emu) as client:
        yield client
