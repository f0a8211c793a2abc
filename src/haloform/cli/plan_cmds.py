"""``haloform plan`` and ``haloform show``: parse, call a task, render, exit."""

from __future__ import annotations

import os
from dataclasses import replace
from functools import partial
from pathlib import Path

import click

from haloform.cli.ci_env import render_options
from haloform.cli.context import common_options, env_option, state, use_color
from haloform.cli.voice import voice
from haloform.plan.model import Plan
from haloform.render import FORMATS, render
from haloform.render.report import interrupted_warning
from haloform.tasks.journals import last_apply
from haloform.tasks.planning import Explain, findings, plan_directory

CHANGES_PRESENT = 2
"""``--detailed-exitcode``: 0 no changes, 1 error, 2 changes (Terraform's convention)."""


def explain() -> Explain | None:
    """``-v``: which detail reads the plan needed, and why, on stderr."""
    return partial(click.echo, err=True) if state().verbose else None


@click.command("plan")
@click.argument("directory", default=".", type=click.Path(exists=True, path_type=Path))
@env_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Save the plan, to apply exactly it later with 'haloform apply FILE'.",
)
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 0 when there are no changes, 2 when there are, 1 on error.",
)
@click.option(
    "--target",
    "targets",
    multiple=True,
    metavar="KIND/NAME",
    help="Plan only this resource (and what it depends on); repeatable.",
)
@common_options
def plan(
    directory: Path,
    env: str | None,
    fmt: str,
    out: Path | None,
    detailed_exitcode: bool,
    targets: tuple[str, ...],
) -> None:
    """Show what applying the config in DIRECTORY would change in a tenant."""
    planned = plan_directory(directory, env, targets, voice(), explain())
    last, unreadable = last_apply(planned.target)
    if unreadable is not None:
        click.echo(unreadable, err=True)
    if last is not None and last.interrupted:
        click.echo(interrupted_warning(last), err=True)
    if out is not None:
        out.write_text(planned.plan.to_json(), encoding="utf-8")
    options = replace(
        render_options(directory, os.environ, color=use_color(fmt)), findings=findings(planned)
    )
    click.echo(render(planned.plan, fmt, color=use_color(fmt), options=options), nl=False)
    if out is not None:
        click.echo(f"Saved the plan to {out}: apply it with 'haloform apply {out}'.", err=True)
    if detailed_exitcode and planned.plan.has_changes:
        click.get_current_context().exit(CHANGES_PRESENT)


@click.command("show")
@click.argument("plan_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 0 when the plan has no changes, 2 when it has.",
)
@common_options
def show(plan_file: Path, fmt: str, detailed_exitcode: bool) -> None:
    """Render a plan saved with 'plan --out', offline: no tenant is read.

    The plan file is checked first: one edited after it was made is refused.
    """
    saved = Plan.from_json(plan_file.read_text(encoding="utf-8"), str(plan_file))
    click.echo(render(saved, fmt, color=use_color(fmt)), nl=False)
    if detailed_exitcode and saved.has_changes:
        click.get_current_context().exit(CHANGES_PRESENT)
