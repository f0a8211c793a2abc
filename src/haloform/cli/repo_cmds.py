"""Offline commands on a config repo: ``validate``, ``add-guids``, ``schemas``."""

from __future__ import annotations

from pathlib import Path

import click

from haloform.cli.context import common_options
from haloform.kinds import KINDS
from haloform.load import schemas
from haloform.load.guids import add_guids
from haloform.load.settings import load_project
from haloform.load.validate import validate_repo
from haloform.render.diagnostics import FORMATS as DIAGNOSTIC_FORMATS

REPO_PATH = click.Path(exists=True, path_type=Path)


@click.command("validate")
@click.argument("directory", default=".", type=REPO_PATH)
@click.option("--env", help="Check with this environment's variables (default: the default).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(tuple(DIAGNOSTIC_FORMATS)),
    default="text",
    show_default=True,
    help="github: ::error annotations that show on a pull request's diff.",
)
@common_options
def validate(directory: Path, env: str | None, fmt: str) -> None:
    """Check a config repo offline: every problem at once, no tenant needed.

    Exits 1 when there is any error; warnings (e.g. a raw tenant id) do not fail.
    """
    project = load_project(directory)
    _, environment = project.environment(env)
    repo = validate_repo(directory, project.variables_for(environment), project.ignore)
    click.echo(DIAGNOSTIC_FORMATS[fmt](repo.diagnostics), nl=False)
    if repo.diagnostics.errors:
        click.get_current_context().exit(1)


@click.command("add-guids")
@click.argument("directory", default=".", type=REPO_PATH)
@click.option("--dry-run", is_flag=True, help="Say which resources lack one; write nothing.")
@common_options
def add_guids_command(directory: Path, dry_run: bool) -> None:
    """Write a fresh guid into every resource that lacks one, keeping comments.

    A resource's guid is its identity in every tenant: commit it and never change it.
    """
    assigned, problems = add_guids(directory, [spec.kind for spec in KINDS], dry_run=dry_run)
    for problem in problems:
        click.echo(str(problem), err=True)
    verb = "would get" if dry_run else "got"
    for item in assigned:
        click.echo(f"{item.location}: {item.kind} {item.name!r} {verb} guid {item.guid}")
    click.echo(f"{len(assigned)} {'resource' if len(assigned) == 1 else 'resources'} {verb} a guid")
    if problems.errors:
        click.get_current_context().exit(1)


@click.command("schemas")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("schemas"),
    show_default=True,
)
@click.option("--check", is_flag=True, help="Exit 1 if the files differ from the models.")
@common_options
def schemas_command(out_dir: Path, check: bool) -> None:
    """Write the JSON Schemas editors use to check config files as they are typed."""
    if check:
        stale = schemas.stale(out_dir)
        for name in stale:
            click.echo(f"{out_dir / name} is out of date: run 'haloform schemas --out {out_dir}'")
        click.get_current_context().exit(1 if stale else 0)
    for path in schemas.write(out_dir):
        click.echo(f"wrote {path}")
