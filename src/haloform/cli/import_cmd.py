"""``haloform import KIND/NAME... [DIR]``: adopt single resources, as Terraform's import."""

from __future__ import annotations

from pathlib import Path

import click

from haloform.cli.context import common_options
from haloform.cli.export_cmd import exported, file_line
from haloform.export.adopt import unmanaged_references
from haloform.export.run import FileStatus
from haloform.export.selection import Selection, parse_picks
from haloform.load.repo import load_repo
from haloform.load.settings import load_project
from haloform.tasks.workspace import choose


def _split(words: tuple[str, ...]) -> tuple[tuple[str, ...], Path]:
    """The resources, and the repo: a last word that is an existing directory."""
    if len(words) > 1 and Path(words[-1]).is_dir():
        return words[:-1], Path(words[-1])
    return words, Path()


@click.command("import")
@click.argument("words", nargs=-1, required=True, metavar="KIND/NAME... [DIR]")
@click.option("--env", help="Environment of haloform.yaml (default: HALO_URL, else the default).")
@common_options
def import_command(words: tuple[str, ...], env: str | None) -> None:
    """Adopt resources from a tenant into the repo, one by one.

    Writes just the named resources as YAML (export's format; a document with the same
    guid is updated in place), never rewrites other documents, and lists what they
    refer to that the repo does not manage. NAME may be a guid; quote names with spaces:
    haloform import "TicketRule/P1 to Network" Workflow/Incident
    """
    picked, directory = _split(words)
    project = load_project(directory)
    specs = project.specs
    selection = Selection(parse_picks(picked, specs))
    target = choose(project, env, directory)
    picked_specs = tuple(spec for spec in specs if any(p.spec is spec for p in selection.picks))
    result = exported(project, target, directory, picked_specs, selection=selection)
    for file in result.files:
        if file.status is not FileStatus.UNCHANGED:
            click.echo(file_line(directory, file))
    repo = load_repo(directory, project.variables_for(target.environment))
    for line in unmanaged_references(repo, result.guids):
        click.echo(f"note: {line}", err=True)
    noun = "resource" if result.resources == 1 else "resources"
    click.echo(
        f"Imported {result.resources} {noun} from {target.label}: review with 'haloform plan'."
    )
