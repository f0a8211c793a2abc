"""``haloform export``: parse, call the export task, print one line per file."""

from __future__ import annotations

from pathlib import Path

import click

from haloform.cli.context import common_options, env_option
from haloform.cli.kinds_option import chosen_kinds
from haloform.cli.progress import ReadProgress
from haloform.cli.voice import voice
from haloform.common.text import visible
from haloform.export.read import Picker
from haloform.export.run import Export, ExportedFile, FileStatus
from haloform.export.selection import NameFilter
from haloform.kinds import KindSpec
from haloform.load.settings import Project, load_project
from haloform.tasks.exporting import export_into
from haloform.tasks.workspace import Target, choose

_SHOWN = (FileStatus.CREATED, FileStatus.UPDATED, FileStatus.UNCHANGED, FileStatus.DELETED)


def exported(
    project: Project,
    target: Target,
    out: Path,
    specs: tuple[KindSpec, ...],
    *,
    prune_files: bool = False,
    selection: Picker | None = None,
) -> Export:
    """The export task, its progress and warnings on stderr; shared by ``export`` and
    ``import``."""
    result = export_into(
        project,
        target,
        out,
        specs,
        prune_files=prune_files,
        selection=selection,
        voice=voice(),
        progress=ReadProgress(),
    )
    for warning in result.warnings:
        click.echo(visible(warning), err=True)
    return result


@click.command("export")
@click.argument("directory", default=".", type=click.Path(exists=True, path_type=Path))
@env_option
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the YAML goes; documents already there are updated in place, by guid.",
)
@click.option("--kinds", "kinds", metavar="KIND,...", help="Only these kinds (default: all).")
@click.option(
    "--match",
    "patterns",
    multiple=True,
    metavar="PATTERN",
    help="Only resources whose name matches, shell-style in any case ('P1*'); repeatable.",
)
@click.option(
    "--prune-files",
    is_flag=True,
    help="Remove documents under --out whose resource the tenant no longer has.",
)
@common_options
def export(
    directory: Path,
    env: str | None,
    out: Path,
    kinds: str | None,
    patterns: tuple[str, ...],
    prune_files: bool,
) -> None:
    """Write a tenant's workflows and rules as portable YAML into --out.

    DIRECTORY is the repo whose haloform.yaml names the environments. Ids become
    names and guids; a value the tenant has no name for stays a number, with a warning.
    A document already under --out with the same guid is updated in place, keeping
    its comments; new files get a '$schema' hint when --out/schemas/ has the schemas.
    Each resource is one read at the tenant's rate limit: --kinds and --match read less.
    """
    project = load_project(directory)
    target = choose(project, env, directory)
    result = exported(
        project,
        target,
        out,
        chosen_kinds([kinds] if kinds else [], project),
        prune_files=prune_files,
        selection=NameFilter(patterns) if patterns else None,
    )
    for file in result.files:
        click.echo(visible(file_line(out, file)))
    for gone in result.absent:
        if not gone.pruned:
            line = (
                f"{'absent':<9} {out / gone.path}: {gone.kind} {gone.name!r} is not in "
                f"{target.label} (kept; --prune-files removes it)"
            )
            click.echo(visible(line))
    click.echo(visible(_summary(result, target.label)))


def file_line(out: Path, file: ExportedFile) -> str:
    """``created   out/ticket-rules/p1.yaml: TicketRule 'P1'``."""
    return f"{file.status.value:<9} {out / file.path}: {', '.join(file.resources)}"


def _summary(result: Export, tenant: str) -> str:
    counts = ", ".join(f"{result.count(status)} {status.value}" for status in _SHOWN)
    noun = "resource" if result.resources == 1 else "resources"
    text = f"Export of {tenant}: {result.resources} {noun}; files: {counts}."
    kept = sum(1 for gone in result.absent if not gone.pruned)
    if kept:
        text += f" {kept} not in the tenant (kept)."
    return text
