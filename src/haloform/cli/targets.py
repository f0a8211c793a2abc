"""Which tenant a command talks to, and the client for it.

Without ``--env``: ``HALO_URL`` (the convention cloud CLIs follow) when set, else the
project's default environment, else the embedded emulator. The core never imports the
emulator, so the embedded tenant is wired here: the CLI builds the emulator, mounts it
as the client's transport, and hands the core an ordinary ``HaloClient``.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import click

from haloform.cli.context import state
from haloform.emulator import Emulator, EmulatorConfig, emulator_transport
from haloform.emulator.seed import SeedError
from haloform.errors import ConfigError
from haloform.halo import Credentials, HaloClient, RateLimiter, RequestRecord
from haloform.project import STATE_DIR, Environment, Project, project_root

EMBEDDED_URL = "http://127.0.0.1"
"""The embedded tenant answers in-process; a loopback URL keeps plain http allowed."""
FROM_ENV = "HALO_URL"


@dataclass(frozen=True)
class Target:
    """A resolved tenant: its environment name, a label plans carry, how to reach it."""

    name: str
    label: str
    environment: Environment
    state_dir: Path
    """Where the embedded emulator keeps its tenants (``.haloform/`` beside the repo)."""


def wants_live_tenant(environ: Mapping[str, str]) -> bool:
    """True when the conventional ``HALO_URL`` (or halocli's ``HALO_TENANT_URL``) is set."""
    return any(environ.get(name, "").strip() for name in ("HALO_URL", "HALO_TENANT_URL"))


def choose(project: Project, env_name: str | None, root: Path) -> Target:
    """The tenant for ``--env`` (or its absence), see the module docstring."""
    state_dir = project_root(root) / STATE_DIR
    if env_name is None and wants_live_tenant(os.environ):
        url = Credentials.from_env().url
        return Target(FROM_ENV, url, Environment(url=url), state_dir)
    name, environment = project.environment(env_name)
    label = environment.url or f"embedded:{name}"
    return Target(name, label, environment, state_dir)


def _echo_request(record: RequestRecord) -> None:
    click.echo(f"  {record}", err=True)


def _credentials(target: Target) -> Credentials:
    if target.name == FROM_ENV:
        return Credentials.from_env()
    env = target.environment
    missing = [v for v in (env.client_id_env, env.client_secret_env) if not os.environ.get(v)]
    if missing:
        raise ConfigError(
            f"environment {target.name!r} ({env.url}) needs its credentials in "
            f"{' and '.join(missing)}"
        )
    return Credentials(
        url=env.url or "",
        client_id=os.environ[env.client_id_env],
        client_secret=os.environ[env.client_secret_env],
        tenant=env.tenant,
        auth_url=env.auth_url,
        scope=env.scope,
    )


@asynccontextmanager
async def open_client(target: Target) -> AsyncIterator[HaloClient]:
    """A client for ``target``; for the embedded emulator, the emulator comes with it."""
    hook = _echo_request if state().verbose >= 2 else None
    limit = RateLimiter(
        target.environment.rate_limit.requests, target.environment.rate_limit.window_s
    )
    if not target.environment.emulator:
        verify: bool | str = target.environment.ca_bundle or True
        async with HaloClient(
            _credentials(target), on_request=hook, rate_limit=limit, verify=verify
        ) as client:
            yield client
        _report(client)
        return
    target.state_dir.mkdir(parents=True, exist_ok=True)
    emu = _embedded(target)
    try:
        credentials = Credentials(
            url=EMBEDDED_URL,
            client_id=emu.config.client_id,
            client_secret=emu.config.client_secret,
            tenant=emu.config.tenant,
        )
        async with HaloClient(
            credentials, transport=emulator_transport(emu), on_request=hook, rate_limit=limit
        ) as client:
            yield client
        _report(client)
    finally:
        emu.close()


def _embedded(target: Target) -> Emulator:
    """The environment's emulated tenant, created (and seeded) on first use."""
    seed = target.environment.seed
    seed_path = target.state_dir.parent / seed if seed else None
    if seed_path is not None and not seed_path.is_file():
        raise ConfigError(f"environment {target.name!r}: seed file {seed_path} not found")
    config = EmulatorConfig(
        db_path=str(target.state_dir / f"{target.name}.db"),
        seed_path=str(seed_path) if seed_path else None,
        id_offset=target.environment.id_offset,
    )
    try:
        return Emulator(config)
    except SeedError as error:
        raise ConfigError(f"environment {target.name!r}: {error}") from None


def _report(client: HaloClient) -> None:
    if state().verbose:
        click.echo(f"haloform {client.stats.summary()}", err=True)
