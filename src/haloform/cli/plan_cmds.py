"""``haloform plan`` and ``haloform apply``: parse, call the core, render, exit."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from haloform.apply import Applier, ApplyEvent, ApplyOptions, ApplyReport
from haloform.cli.context import common_options, state
from haloform.cli.targets import Target, choose, open_client
from haloform.errors import ApplyError, PlanError
from haloform.kinds import by_kind
from haloform.plan.build import PlanRequest, make_plan
from haloform.plan.fresh import moved_since
from haloform.plan.model import Plan
from haloform.project import Project, load_project
from haloform.render import FORMATS, render
from haloform.render.report import render_report
from haloform.validate import validate_repo

CHANGES_PRESENT = 2
"""``--detailed-exitcode``: 0 no changes, 1 error, 2 changes (Terraform's convention)."""


@dataclass(frozen=True)
class _Planned:
    plan: Plan
    target: Target


def _request(
    directory: Path, project: Project, target: Target, targets: tuple[str, ...]
) -> PlanRequest:
    repo = validate_repo(directory, project.variables_for(target.environment))
    for warning in repo.diagnostics.warnings:
        click.echo(str(warning), err=True)
    repo.diagnostics.raise_for_errors("the configuration has errors; nothing was planned")
    specs = tuple(spec for kind in project.kinds if (spec := by_kind(kind)) is not None)
    return PlanRequest(
        repo=repo,
        environment=target.name,
        tenant=target.label,
        specs=specs,
        lookup_names=target.environment.lookup_names,
        prune=project.prune_scopes(target.environment),
        targets=targets,
    )


def _make(directory: Path, env: str | None, targets: tuple[str, ...]) -> _Planned:
    project = load_project(directory)
    target = choose(project, env, directory)
    request = _request(directory, project, target, targets)

    async def run() -> Plan:
        async with open_client(target) as client:
            return await make_plan(client, request)

    return _Planned(asyncio.run(run()), target)


def _color(fmt: str) -> bool:
    return fmt == "text" and sys.stdout.isatty()


@click.command("plan")
@click.argument("directory", default=".", type=click.Path(exists=True, path_type=Path))
@click.option("--env", help="Environment of haloform.yaml (default: HALO_URL, else the default).")
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
    planned = _make(directory, env, targets)
    if out is not None:
        out.write_text(planned.plan.to_json(), encoding="utf-8")
    click.echo(render(planned.plan, fmt, color=_color(fmt)), nl=False)
    if out is not None:
        click.echo(f"Saved the plan to {out}: apply it with 'haloform apply {out}'.", err=True)
    if detailed_exitcode and planned.plan.has_changes:
        click.get_current_context().exit(CHANGES_PRESENT)


def _saved(path: Path, env: str | None) -> _Planned:
    plan = Plan.from_json(path.read_text(encoding="utf-8"), str(path))
    # The plan file sits in (or under) the repo whose haloform.yaml names its tenant.
    project = load_project(path.parent)
    target = choose(project, env or plan.environment, path)
    if target.label != plan.tenant:
        raise PlanError(
            f"{path} was made for {plan.tenant}, not {target.label}: plan again for this tenant"
        )
    return _Planned(plan, target)


async def _apply(planned: _Planned, saved: bool, options: ApplyOptions) -> ApplyReport:
    async with open_client(planned.target) as client:
        if saved:
            moved = await moved_since(client, planned.plan)
            if moved:
                raise PlanError(
                    "the tenant changed since the plan was made; nothing was "
                    "applied:\n" + "\n".join(f"  {line}" for line in moved)
                )
        hook = _progress if state().verbose else None
        return await Applier(client, options, on_event=hook).apply(planned.plan)


def _progress(event: ApplyEvent) -> None:
    click.echo(f"  {event.message}", err=True)


@click.command("apply")
@click.argument("source", default=".", type=click.Path(exists=True, path_type=Path))
@click.option("--env", help="Environment of haloform.yaml (default: HALO_URL, else the default).")
@click.option("--auto-approve", is_flag=True, help="Apply without asking (for CI).")
@click.option("--allow-delete", is_flag=True, help="Let the plan's deletes run.")
@click.option("--max-deletes", type=click.IntRange(0), help="Refuse a plan deleting more.")
@click.option(
    "--batch-size",
    type=click.IntRange(1),
    default=50,
    show_default=True,
    help="Most records of one kind per POST.",
)
@click.option(
    "--target",
    "targets",
    multiple=True,
    metavar="KIND/NAME",
    help="Apply only this resource (and what it depends on); repeatable.",
)
@common_options
def apply(
    source: Path,
    env: str | None,
    auto_approve: bool,
    allow_delete: bool,
    max_deletes: int | None,
    batch_size: int,
    targets: tuple[str, ...],
) -> None:
    """Apply the config in SOURCE (a directory), or a plan saved with 'plan --out'."""
    saved = source.is_file() and source.suffix not in (".yaml", ".yml")
    planned = _saved(source, env) if saved else _make(source, env, targets)
    click.echo(render(planned.plan, "text", color=_color("text")), nl=False)
    if not planned.plan.has_changes:
        return
    _confirm(planned.target, auto_approve)
    options = ApplyOptions(batch_size, allow_delete, max_deletes)
    try:
        report = asyncio.run(_apply(planned, saved, options))
    except ApplyError as error:
        if isinstance(error.report, ApplyReport):
            click.echo(render_report(error.report), nl=False)
        raise
    click.echo(render_report(report), nl=False)
    if not report.ok:
        click.get_current_context().exit(1)


def _confirm(target: Target, auto_approve: bool) -> None:
    if auto_approve:
        return
    if not sys.stdin.isatty():
        raise PlanError("apply asks for confirmation on a terminal; in CI pass --auto-approve")
    click.confirm(f"Apply these changes to {target.label}?", abort=True)
