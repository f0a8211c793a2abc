"""A local Halo tenant: an HTTP app over SQLite that answers as Halo's API does.

It is built from the published API description alone (docs/halo-api.md and Halo's
OpenAPI subset) and imports nothing from the rest of haloform, so a mistake in the
client cannot be mirrored by the same mistake here. Where Halo's behaviour is
unconfirmed, ``EmulatorConfig`` offers each plausible variant as a switch;
``Faults`` injects the failures a real tenant shows (rate limits, 500s, dropped
connections).

    emu = Emulator()
    async with httpx.AsyncClient(transport=emulator_transport(emu), base_url="http://halo") as c:
        ...
"""

from haloform.emulator.app import ServedRequest
from haloform.emulator.config import VARIANTS, EmulatorConfig, Faults
from haloform.emulator.emulator import Emulator
from haloform.emulator.faults import ConnectionDropped
from haloform.emulator.server import running_server, serve
from haloform.emulator.transport import emulator_transport

__all__ = [
    "VARIANTS",
    "ConnectionDropped",
    "Emulator",
    "EmulatorConfig",
    "Faults",
    "ServedRequest",
    "emulator_transport",
    "running_server",
    "serve",
]
