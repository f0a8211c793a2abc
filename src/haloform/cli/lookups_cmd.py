"""``haloform lookups``: the names a config repo can refer to in a tenant."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from haloform.cli.context import common_options, env_option
from haloform.cli.voice import voice
from haloform.fetch.lookups import fetch_directory
from haloform.kinds.lookups import RESOLVABLE
from haloform.load.settings import load_project
from haloform.snapshot.directory import Directory
from haloform.tasks.workspace import Target, choose, open_client


async def _fetch(kinds: list[str], target: Target) -> Directory:
    async with open_client(target, voice()) as client:
        return await fetch_directory(client, kinds)


@click.command("lookups")
@click.argument("kinds", nargs=-1, type=click.Choice([spec.word for spec in RESOLVABLE]))
@env_option
@click.option(
    "--repo",
    "repo_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path(),
    show_default=True,
    help="The config repo whose haloform.yaml names the environments.",
)
@common_options
def lookups(kinds: tuple[str, ...], env: str | None, repo_dir: Path) -> None:
    """List agents, teams, statuses... by name: what references can point at."""
    target = choose(load_project(repo_dir), env, repo_dir)
    wanted = list(kinds) or [spec.word for spec in RESOLVABLE]
    directory = asyncio.run(_fetch(wanted, target))
    table = Table("kind", "name", "id", "guid", box=None, pad_edge=False)
    for kind in wanted:
        for entry in directory.all(kind):
            table.add_row(kind, entry.name, str(entry.id), entry.guid or "")
    Console(soft_wrap=True).print(table)
