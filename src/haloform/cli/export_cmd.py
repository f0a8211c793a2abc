"""``haloform export``: parse, call the core, print one line per file."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from haloform.cli.context import common_options
from haloform.cli.tenants import Target, choose, open_client
from haloform.common.text import visible
from haloform.errors import ConfigError
from haloform.export.run import Export, ExportRequest, FileStatus, export_tenant
from haloform.kinds import KINDS, KindSpec, by_kind
from haloform.load.settings import Project, load_project

_SHOWN = (FileStatus.CREATED, FileStatus.UPDATED, FileStatus.UNCHANGED, FileStatus.DELETED)


def _kinds(option: str | None, project: Project) -> tuple[KindSpec, ...]:
    names = [name.strip() for name in option.split(",")] if option else list(project.kinds)
    specs = []
    for name in filter(None, names):
        spec = by_kind(name)
        if spec is None:
            known = ", ".join(spec.kind for spec in KINDS)
            raise ConfigError(f"--kinds: unknown kind {name!r} (known: {known})")
        specs.append(spec)
    return tuple(spec for spec in KINDS if spec in specs)


def _run(target: Target, request: ExportRequest) -> Export:
    async def run() -> Export:
        async with open_client(target) as client:
            return await export_tenant(client, request)

    return asyncio.run(run())


@click.command("export")
@click.argument("directory", default=".", type=click.Path(exists=True, path_type=Path))
@click.option("--env", help="Environment of haloform.yaml (default: HALO_URL, else the default).")
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the YAML goes; documents already there are updated in place, by guid.",
)
@click.option("--kinds", "kinds", metavar="KIND,...", help="Only these kinds (default: all).")
@click.option(
    "--prune-files",
    is_flag=True,
    help="Remove documents under --out whose resource the tenant no longer has.",
)
@common_options
def export(
    directory: Path, env: str | None, out: Path, kinds: str | None, prune_files: bool
) -> None:
    """Write a tenant's workflows and rules as portable YAML into --out.

    DIRECTORY is the repo whose haloform.yaml names the environments. Ids become
    names and guids; a value the tenant has no name for stays a number, with a warning.
    A document already under --out with the same guid is updated in place, keeping
    its comments; new files get a '$schema' hint when --out/schemas/ has the schemas.
    """
    project = load_project(directory)
    target = choose(project, env, directory)
    request = ExportRequest(
        out=out,
        tenant=target.label,
        specs=_kinds(kinds, project),
        lookup_names=target.environment.lookup_names,
        variables=project.variables_for(target.environment),
        prune_files=prune_files,
    )
    result = _run(target, request)
    for warning in result.warnings:
        click.echo(visible(warning), err=True)
    for file in result.files:
        line = f"{file.status.value:<9} {out / file.path}: {', '.join(file.resources)}"
        click.echo(visible(line))
    for gone in result.absent:
        if not gone.pruned:
            line = (
                f"{'absent':<9} {out / gone.path}: {gone.kind} {gone.name!r} is not in "
                f"{target.label} (kept; --prune-files removes it)"
            )
            click.echo(visible(line))
    click.echo(visible(_summary(result, target.label)))


def _summary(result: Export, tenant: str) -> str:
    counts = ", ".join(f"{result.count(status)} {status.value}" for status in _SHOWN)
    noun = "resource" if result.resources == 1 else "resources"
    text = f"Export of {tenant}: {result.resources} {noun}; files: {counts}."
    kept = sum(1 for gone in result.absent if not gone.pruned)
    if kept:
        text += f" {kept} not in the tenant (kept)."
    return text
