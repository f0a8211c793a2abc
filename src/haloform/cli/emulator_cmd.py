"""``haloform emulator serve``: run the local Halo tenant as a real HTTP server."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

import click

from haloform.cli.context import common_options
from haloform.emulator import Emulator, Faults, serve
from haloform.errors import ConfigError
from haloform.tasks.workspace import emulator_config


@click.group()
@common_options
def emulator() -> None:
    """A local Halo tenant for trying haloform and for tests."""


def parse_variants(texts: Iterable[str]) -> dict[str, object]:
    """``NAME=VALUE`` words: ``true``/``false`` are flags, ``not_kept`` takes
    ``Resource:field,field`` (repeat it for more resources), the rest is text."""
    found: dict[str, object] = {}
    for text in texts:
        name, equals, value = text.partition("=")
        if not equals:
            raise click.BadParameter(f"{text!r}: write NAME=VALUE", param_hint="--variant")
        if name == "not_kept":
            resource, _, fields = value.partition(":")
            kept = cast(dict[str, list[str]], found.setdefault(name, {}))
            kept[resource] = [field for field in fields.split(",") if field]
        else:
            found[name] = {"true": True, "false": False}.get(value.lower(), value)
    return found


@emulator.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False),
    help="SQLite file holding the tenant (kept across restarts). Default: in memory.",
)
@click.option(
    "--seed",
    "seed_path",
    type=click.Path(exists=True, dir_okay=False),
    help="YAML tenant directory (agents, teams, statuses...) for a new database.",
)
@click.option("--client-id", default="haloform-emulator", show_default=True)
@click.option(
    "--client-secret",
    envvar="HALOFORM_EMULATOR_CLIENT_SECRET",
    default="emulator-secret",
    show_default=True,
    help="Secret clients must present (env: HALOFORM_EMULATOR_CLIENT_SECRET).",
)
@click.option(
    "--tenant",
    default="emulator",
    show_default=True,
    help="Tenant name the token endpoint expects in ?tenant=.",
)
@click.option(
    "--id-offset",
    default=0,
    show_default=True,
    type=click.IntRange(0),
    help="Start ids here, so two emulated tenants differ in every id.",
)
@click.option(
    "--latency-ms",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0),
    help="Delay added to every /api request.",
)
@click.option(
    "--rate-limit", type=click.IntRange(1), help="Requests allowed per rolling window before 429."
)
@click.option(
    "--rate-window",
    "rate_window_s",
    default=300.0,
    show_default=True,
    type=click.FloatRange(0, min_open=True),
    help="Rolling window in seconds.",
)
@click.option(
    "--retry-after/--no-retry-after",
    default=False,
    show_default=True,
    help="Send Retry-After with 429s (Halo is not known to).",
)
@click.option(
    "--error-rate",
    default=0.0,
    type=click.FloatRange(0, 1),
    help="Share of /api requests answered with a random 500.",
)
@click.option(
    "--drop-rate",
    default=0.0,
    type=click.FloatRange(0, 1),
    help="Share of /api requests whose connection is dropped.",
)
@click.option(
    "--commit-then-fail-rate",
    default=0.0,
    type=click.FloatRange(0, 1),
    help="Share of writes that are stored but answered with a 500.",
)
@click.option("--fault-seed", type=int, help="Seed for the fault dice, for repeatable runs.")
@click.option(
    "--variant",
    "variants",
    multiple=True,
    metavar="NAME=VALUE",
    help="Answer as the other plausible Halo where docs/halo-api.md only infers: "
    "zero_filled=true, eventrule_list=wrapped, not_kept=TicketRules:stopmatching... "
    "(repeatable).",
)
@common_options
def serve_command(
    host: str,
    port: int,
    db_path: str | None,
    seed_path: str | None,
    client_id: str,
    client_secret: str,
    tenant: str,
    id_offset: int,
    latency_ms: float,
    rate_limit: int | None,
    rate_window_s: float,
    retry_after: bool,
    error_rate: float,
    drop_rate: float,
    commit_then_fail_rate: float,
    fault_seed: int | None,
    variants: tuple[str, ...],
) -> None:
    """Serve the emulated tenant on HOST:PORT (API under /api, tokens at /auth/token)."""
    faults = Faults(
        latency_ms=latency_ms,
        rate_limit=rate_limit,
        rate_window_s=rate_window_s,
        retry_after=retry_after,
        error_rate=error_rate,
        drop_rate=drop_rate,
        commit_then_fail_rate=commit_then_fail_rate,
        seed=fault_seed,
    )
    try:
        config = emulator_config(
            parse_variants(variants),
            db_path=db_path,
            seed_path=seed_path,
            client_id=client_id,
            client_secret=client_secret,
            tenant=tenant,
            id_offset=id_offset,
            faults=faults,
        )
    except ConfigError as error:
        raise click.BadParameter(str(error), param_hint="--variant") from None
    emu = Emulator(config)
    click.echo(
        f"Halo emulator on http://{host}:{port}/api (tenant {tenant!r}, "
        f"client id {client_id!r}); Ctrl-C stops it.",
        err=True,
    )
    try:
        serve(emu, host=host, port=port)
    finally:
        emu.close()
