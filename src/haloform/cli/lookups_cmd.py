"""``haloform lookups``: the names a config repo can refer to in a tenant."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from haloform.cli.context import common_options
from haloform.cli.targets import open_client
from haloform.lookups import LOOKUPS, Directory, fetch_directory


async def _fetch(kinds: list[str], state_dir: Path) -> Directory:
    async with open_client(state_dir) as client:
        return await fetch_directory(client, kinds)


@click.command("lookups")
@click.argument("kinds", nargs=-1, type=click.Choice([spec.kind for spec in LOOKUPS]))
@click.option(
    "--state-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path(".haloform"),
    show_default=True,
    help="Where the embedded emulator keeps its tenant.",
)
@common_options
def lookups(kinds: tuple[str, ...], state_dir: Path) -> None:
    """List agents, teams, statuses... by name: what references can point at.

    Talks to HALO_URL when set, else to the embedded emulator.
    """
    wanted = list(kinds) or [spec.kind for spec in LOOKUPS]
    directory = asyncio.run(_fetch(wanted, state_dir))
    table = Table("kind", "name", "id", "guid", box=None, pad_edge=False)
    for kind in wanted:
        for entry in directory.all(kind):
            table.add_row(kind, entry.name, str(entry.id), entry.guid or "")
    Console(soft_wrap=True).print(table)
