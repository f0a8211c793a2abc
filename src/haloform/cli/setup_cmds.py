"""Commands that start or tidy a config repo: ``init`` and ``fmt``."""

from __future__ import annotations

from pathlib import Path

import click

from haloform.cli.context import common_options
from haloform.load.fmt import format_tree
from haloform.load.scaffold import init_repo


@click.command("init")
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@common_options
def init(directory: Path) -> None:
    """Start a config repo: haloform.yaml, .gitignore and the JSON Schemas.

    The default environment is the embedded emulator, so 'haloform plan' works at
    once; a real tenant is shown commented out. Never overwrites a file.
    """
    for path in init_repo(directory):
        click.echo(f"wrote {path}")
    click.echo(
        f"Next: 'haloform plan {directory}' (the embedded emulator), or take a tenant's "
        f"resources with 'haloform export --env NAME --out {directory}'.",
        err=True,
    )


@click.command("fmt")
@click.argument("directory", default=".", type=click.Path(exists=True, path_type=Path))
@click.option("--check", is_flag=True, help="Write nothing; exit 1 and list the files to format.")
@common_options
def fmt(directory: Path, check: bool) -> None:
    """Rewrite config files in the one canonical layout, keeping comments.

    Key order, flow style for short maps and quoting as export writes them; values
    never change, and a second run changes nothing.
    """
    changed, problems = format_tree(directory)
    for problem in problems:
        click.echo(f"{problem} (left as it is)", err=True)
    for item in changed:
        if check:
            click.echo(f"{item.path} would be reformatted")
        else:
            item.path.write_text(item.text, encoding="utf-8")
            click.echo(f"formatted {item.path}")
    if check and changed:
        click.get_current_context().exit(1)
