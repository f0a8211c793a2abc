"""Which tenant a command talks to, and the client for it: the composition root.

Without ``--env``: ``HALO_URL`` (the convention cloud CLIs follow) when set, else the
project's default environment, else the embedded emulator. The core never imports the
emulator, so the embedded tenant is wired here: the emulator is built, mounted as the
client's transport, and the core is handed an ordinary ``HaloClient``. What the client
has to say while it works (waits, requests, its totals) goes to a ``Voice`` the caller
gives: the command line prints it, a test may collect it.

The ``HALO_URL`` route takes the knobs a haloform.yaml environment has from variables
(``KNOBS``). A live tenant's rate budget is shared by every haloform process of the
user on the machine (``rate_budget_dir``): per user rather than per repo, because one
tenant is planned from many checkouts (CI workspaces, worktrees) and Halo counts them
all in one window.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from haloform.emulator import VARIANTS, Emulator, EmulatorConfig, emulator_transport
from haloform.emulator.seed import SeedError
from haloform.errors import AuthError, ConfigError
from haloform.halo import (
    Credentials,
    HaloClient,
    RateLimiter,
    RequestRecord,
    RetryPolicy,
    Wait,
)
from haloform.halo.ratelimit import SharedWindow
from haloform.halo.waits import rate_limit_sleep
from haloform.load.located import did_you_mean
from haloform.load.settings import STATE_DIR, Environment, Project, project_root

EMBEDDED_URL = "http://127.0.0.1"
"""The embedded tenant answers in-process; a loopback URL keeps plain http allowed."""
FROM_ENV = "HALO_URL"
KNOBS: Mapping[str, tuple[str, ...]] = {
    "HALO_RATE_LIMIT": ("rate_limit", "requests"),
    "HALO_RATE_WINDOW_S": ("rate_limit", "window_s"),
    "HALO_TIMEOUT_S": ("timeout_s",),
    "HALO_RETRIES": ("retries", "max_retries"),
}
"""Variables for the ``HALO_URL`` route -> the haloform.yaml environment field they set."""


@dataclass(frozen=True)
class Voice:
    """How a running command speaks while the client works."""

    wait: Callable[[Wait], None] = lambda wait: None
    """Every wait long enough to look like a hang (rate limit, retries)."""
    request: Callable[[RequestRecord], None] | None = None
    """Each request as it completes (``-vv``); None: not asked for."""
    totals: Callable[[str], None] | None = None
    """The client's request totals when it closes (``-v``); None: not asked for."""


QUIET = Voice()


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
    from_env = env_name == FROM_ENV and FROM_ENV not in project.environments
    if from_env or (env_name is None and wants_live_tenant(os.environ)):
        # ``FROM_ENV`` by name: a plan saved from HALO_URL names it as its environment.
        url = Credentials.from_env().url
        return Target(FROM_ENV, url, environment_from_env(url, os.environ), state_dir)
    name, environment = project.environment(env_name)
    label = environment.url or f"embedded:{name}"
    return Target(name, label, environment, state_dir)


def environment_from_env(url: str, environ: Mapping[str, str]) -> Environment:
    """The ``HALO_URL`` tenant as an environment, its ``KNOBS`` read from ``environ``."""
    values: dict[str, Any] = {"url": url}
    for name, path in KNOBS.items():
        raw = environ.get(name, "").strip()
        if raw:
            node = values
            for parent in path[:-1]:
                node = node.setdefault(parent, {})
            node[path[-1]] = raw
    try:
        return Environment.model_validate(values)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        name = next((n for n, path in KNOBS.items() if path == first["loc"]), "HALO_URL")
        message = first["msg"].replace("Input should be", "must be", 1)
        raise ConfigError(f"{name}={environ.get(name, '')!r}: {message}") from None


def rate_budget_dir(environ: Mapping[str, str]) -> Path | None:
    """Where live tenants' shared rate windows are kept: ``$XDG_STATE_HOME/haloform/
    rate-budgets`` (default ``~/.local/state``); ``None`` when there is no home."""
    base = environ.get("XDG_STATE_HOME", "").strip()
    if not base:
        try:
            base = str(Path.home() / ".local" / "state")
        except RuntimeError:
            return None
    return Path(base) / "haloform" / "rate-budgets"


def _rate_limiter(environment: Environment, voice: Voice) -> RateLimiter:
    """The environment's budget; a live tenant's is shared across processes."""
    budgets = None if environment.emulator else rate_budget_dir(os.environ)
    shared = SharedWindow(budgets, environment.url or "") if budgets else None
    limit = environment.rate_limit
    sleep = rate_limit_sleep(voice.wait, limit.requests, limit.window_s, asyncio.sleep)
    return RateLimiter(limit.requests, limit.window_s, sleep=sleep, shared=shared)


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
    values = {
        "url": env.url or "",
        "client_id": os.environ[env.client_id_env],
        "client_secret": os.environ[env.client_secret_env],
        "tenant": env.tenant,
        "auth_url": env.auth_url,
        "scope": env.scope,
    }
    labels = {  # what a refused value is called in the error: where the admin fixes it
        "url": f"environment {target.name!r}: url",
        "auth_url": f"environment {target.name!r}: auth_url",
        "client_id": env.client_id_env,
        "client_secret": env.client_secret_env,
    }
    return Credentials.model_validate(values, context={"labels": labels})


@asynccontextmanager
async def open_client(target: Target, voice: Voice = QUIET) -> AsyncIterator[HaloClient]:
    """A client for ``target``; for the embedded emulator, the emulator comes with it."""
    hook = voice.request
    limit = _rate_limiter(target.environment, voice)
    if not target.environment.emulator:
        async with HaloClient(
            _credentials(target),
            on_request=hook,
            on_wait=voice.wait,
            rate_limit=limit,
            verify=_verify(target),
            timeout=target.environment.timeout_s,
            retry=_retry_policy(target.environment),
        ) as client:
            try:
                yield client
            except AuthError as error:
                raise with_origin(error, target) from error
        _report(client, voice)
        return
    target.state_dir.mkdir(parents=True, exist_ok=True)
    emu = _embedded(target)
    try:
        async with HaloClient(
            embedded_credentials(emu),
            transport=emulator_transport(emu),
            on_request=hook,
            on_wait=voice.wait,
            rate_limit=limit,
        ) as client:
            yield client
        _report(client, voice)
    finally:
        emu.close()


def _verify(target: Target) -> bool | str:
    """TLS verification is always on; ``ca_bundle`` adds a private CA (relative paths
    are read from beside haloform.yaml, like every other path in it)."""
    bundle = target.environment.ca_bundle
    return str(target.state_dir.parent / bundle) if bundle else True


def _retry_policy(environment: Environment) -> RetryPolicy:
    retries = environment.retries
    return RetryPolicy(
        max_retries=retries.max_retries,
        base_delay_s=retries.base_delay_s,
        max_delay_s=retries.max_delay_s,
        max_retry_after_s=environment.rate_limit.window_s,
    )


def embedded_credentials(emu: Emulator) -> Credentials:
    """What a client presents to an in-process emulator (its own configured credentials,
    at a loopback URL so plain http stays allowed)."""
    return Credentials(
        url=EMBEDDED_URL,
        client_id=emu.config.client_id,
        client_secret=emu.config.client_secret,
        tenant=emu.config.tenant,
    )


def with_origin(error: AuthError, target: Target) -> AuthError:
    """``error`` naming the tenant and the variables its credentials came from (never
    their values), so the admin knows which secret to check."""
    if target.name == FROM_ENV:
        origin = f"{target.label}, credentials from HALO_CLIENT_ID and HALO_CLIENT_SECRET"
    else:
        env = target.environment
        origin = (
            f"environment {target.name!r} at {env.url}, credentials from "
            f"{env.client_id_env} and {env.client_secret_env}"
        )
    message = f"{error.args[0] if error.args else error} [{origin}]"
    return AuthError(message, method=error.method, path=error.path, status=error.status)


def _embedded(target: Target) -> Emulator:
    """The environment's emulated tenant, created (and seeded) on first use."""
    seed = target.environment.seed
    seed_path = target.state_dir.parent / seed if seed else None
    if seed_path is not None and not seed_path.is_file():
        raise ConfigError(f"environment {target.name!r}: seed file {seed_path} not found")
    try:
        config = emulator_config(
            target.environment.variant,
            db_path=str(target.state_dir / f"{target.name}.db"),
            seed_path=str(seed_path) if seed_path else None,
            id_offset=target.environment.id_offset,
        )
        return Emulator(config)
    except (ConfigError, SeedError) as error:
        raise ConfigError(f"environment {target.name!r}: {error}") from None


def emulator_config(variant: Mapping[str, object], **fields: Any) -> EmulatorConfig:
    """An emulated tenant answering as ``variant`` chooses among docs/halo-api.md's inferred
    facts (``VARIANTS``); an unknown switch or a value it cannot take is a
    ``ConfigError`` naming it."""
    unknown = sorted(set(variant) - set(VARIANTS))
    if unknown:
        hint = did_you_mean(unknown[0], VARIANTS) or f" (known: {', '.join(VARIANTS)})"
        raise ConfigError(f"no emulator variant {unknown[0]!r}{hint}")
    try:
        return EmulatorConfig(**fields, **variant)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(f"variant {where}: {first['msg']}") from None


def _report(client: HaloClient, voice: Voice) -> None:
    if voice.totals is not None:
        voice.totals(f"haloform {client.stats.summary()}")
