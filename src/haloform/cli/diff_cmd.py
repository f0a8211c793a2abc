"""``haloform diff --env A --env B``: one tenant against another, read-only."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

import click

from haloform.cli.context import common_options, use_color
from haloform.cli.kinds_option import chosen_kinds
from haloform.cli.plan_cmds import CHANGES_PRESENT
from haloform.cli.voice import voice
from haloform.diff.tenants import Side, Source, TenantComparison, compare_tenants
from haloform.errors import ConfigError
from haloform.halo import HaloClient
from haloform.kinds import KindSpec
from haloform.load.settings import Project, load_project
from haloform.render import FORMATS, render_comparison
from haloform.tasks.workspace import Target, choose, open_client


def _targets(project: Project, envs: Sequence[str], directory: Path) -> tuple[Target, Target]:
    """The two tenants, A then B. Usage mistakes are haloform errors (exit 1), not click's
    (exit 2), so ``--detailed-exitcode`` never mistakes one for differences."""
    if len(envs) != 2:
        raise ConfigError(
            f"diff compares two environments: give --env twice, e.g. 'haloform diff "
            f"--env dev --env prod' ({len(envs)} given)"
        )
    if envs[0] == envs[1]:
        raise ConfigError(f"diff compares two environments: --env {envs[0]} is given twice")
    return choose(project, envs[0], directory), choose(project, envs[1], directory)


def _source(target: Target, client: HaloClient) -> Source:
    side = Side(environment=target.name, tenant=target.label)
    return Source(side, client, target.environment.lookup_names)


async def _compare(a: Target, b: Target, specs: Sequence[KindSpec]) -> TenantComparison:
    async with open_client(a, voice()) as client_a, open_client(b, voice()) as client_b:
        return await compare_tenants(_source(a, client_a), _source(b, client_b), specs)


@click.command("diff")
@click.argument("directory", default=".", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--env",
    "envs",
    multiple=True,
    metavar="NAME",
    help="An environment of haloform.yaml; exactly two: A, then B.",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 0 when the tenants match, 2 when they differ, 1 on error.",
)
@click.option(
    "--kinds",
    multiple=True,
    metavar="KIND[,KIND]",
    help="Compare only these kinds (default: the kinds haloform.yaml manages).",
)
@common_options
def diff(
    directory: Path,
    envs: tuple[str, ...],
    fmt: str,
    detailed_exitcode: bool,
    kinds: tuple[str, ...],
) -> None:
    """Compare the tenants of two environments, matching resources by guid.

    Ids never differ in the output: both tenants are read in the files' terms (names,
    not ids). Only GET requests are sent.
    """
    project = load_project(directory)
    a, b = _targets(project, envs, directory)
    comparison = asyncio.run(_compare(a, b, chosen_kinds(kinds, project, case_sensitive=False)))
    color = use_color(fmt)
    click.echo(render_comparison(comparison, fmt, color=color), nl=False)
    if detailed_exitcode and comparison.has_differences:
        click.get_current_context().exit(CHANGES_PRESENT)
