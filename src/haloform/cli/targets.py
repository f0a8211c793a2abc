"""Which tenant a command talks to, and the client for it.

The core never imports the emulator, so the embedded tenant is wired here: the CLI
builds the emulator, mounts it as the client's transport, and hands the core an
ordinary ``HaloClient``.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

import click

from haloform.cli.context import state
from haloform.emulator import Emulator, EmulatorConfig, emulator_transport
from haloform.halo import Credentials, HaloClient, RequestRecord

EMBEDDED_URL = "http://127.0.0.1"
"""The embedded tenant answers in-process; a loopback URL keeps plain http allowed."""


def wants_live_tenant(environ: Mapping[str, str]) -> bool:
    """True when the conventional ``HALO_URL`` (or halocli's ``HALO_TENANT_URL``) is set."""
    return any(environ.get(name, "").strip() for name in ("HALO_URL", "HALO_TENANT_URL"))


def _echo_request(record: RequestRecord) -> None:
    click.echo(f"  {record}", err=True)


@asynccontextmanager
async def open_client(state_dir: Path) -> AsyncIterator[HaloClient]:
    """A client for ``HALO_URL`` when set, else for the embedded emulator in ``state_dir``."""
    hook = _echo_request if state().verbose >= 2 else None
    if wants_live_tenant(os.environ):
        async with HaloClient(Credentials.from_env(), on_request=hook) as client:
            yield client
        _report(client)
        return
    state_dir.mkdir(parents=True, exist_ok=True)
    emu = Emulator(EmulatorConfig(db_path=str(state_dir / "emulator.db")))
    try:
        credentials = Credentials(
            url=EMBEDDED_URL,
            client_id=emu.config.client_id,
            client_secret=emu.config.client_secret,
            tenant=emu.config.tenant,
        )
        transport = emulator_transport(emu)
        async with HaloClient(credentials, transport=transport, on_request=hook) as client:
            yield client
        _report(client)
    finally:
        emu.close()


def _report(client: HaloClient) -> None:
    if state().verbose:
        click.echo(f"haloform {client.stats.summary()}", err=True)
