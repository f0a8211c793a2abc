"""Fixtures shared by the core's tests: an emulated tenant and a client mounted on it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from haloform.emulator import Emulator, EmulatorConfig, emulator_transport
from haloform.halo import HaloClient, RetryPolicy
from haloform.halo.credentials import ENV_VARS
from haloform.tasks.workspace import embedded_credentials

LIVE_TENANT_VARIABLES = tuple(name for names in ENV_VARS.values() for name in names)
"""Every variable that could point a command at a real Halo; tests remove them all."""


def client_for(emu: Emulator, **options: Any) -> HaloClient:
    """A real ``HaloClient`` on the emulator, in-process, retrying after milliseconds;
    ``options`` go to ``HaloClient`` (another ``transport``, ``retry``, ``rate_limit``)."""
    options.setdefault("transport", emulator_transport(emu))
    options.setdefault("retry", RetryPolicy(fault_retries=6, base_delay_s=0.001, max_delay_s=0.01))
    return HaloClient(embedded_credentials(emu), **options)


@pytest.fixture(autouse=True)
def _private_rate_budgets(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Live tenants' shared rate windows go to a fresh directory, never the user's."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))


@pytest.fixture
def emu() -> Iterator[Emulator]:
    emulator = Emulator(EmulatorConfig())
    yield emulator
    emulator.close()


@pytest.fixture
async def halo(emu: Emulator) -> AsyncIterator[HaloClient]:
    async with client_for(emu) as client:
        yield client
