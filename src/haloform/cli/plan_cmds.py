"""``haloform plan``: parse, call the core, render, exit; and the planning and journal
look-ups ``haloform apply`` shares with it."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import click

from haloform.analyze.lint import findings_for
from haloform.apply import JournalState, latest_journal, read_journal
from haloform.cli.ci_env import render_options
from haloform.cli.context import common_options, env_option, state, use_color
from haloform.cli.voice import voice
from haloform.errors import ConfigError
from haloform.fetch.reader import Reader
from haloform.kinds import by_kind
from haloform.load.repo import Repo
from haloform.load.secrets import missing_secrets
from haloform.load.settings import Project, load_project
from haloform.load.validate import validate_repo
from haloform.plan.build import PlanRequest
from haloform.plan.model import Plan
from haloform.render import FORMATS, render
from haloform.render.report import interrupted_warning
from haloform.tasks.planning import plan_tenant
from haloform.tasks.session import TenantSession
from haloform.tasks.workspace import Target, choose

CHANGES_PRESENT = 2
"""``--detailed-exitcode``: 0 no changes, 1 error, 2 changes (Terraform's convention)."""


@dataclass(frozen=True)
class Planned:
    plan: Plan
    target: Target
    repo: Repo | None = None
    """The repo planned from (None for a saved plan): lint reads it for the comment."""


def plan_request(
    directory: Path, project: Project, target: Target, targets: tuple[str, ...]
) -> PlanRequest:
    """What to plan, validated offline first: a repo with errors never reaches a tenant."""
    repo = validate_repo(directory, project.variables_for(target.environment), project.ignore)
    repo.diagnostics.extend(missing_secrets(repo, os.environ))
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


async def plan_with(client: Reader, request: PlanRequest) -> Plan:
    """``request`` planned over ``client``; ``-v`` hears which detail reads it needed."""
    explain = partial(click.echo, err=True) if state().verbose else None
    return await plan_tenant(client, request, explain)


def make_plan_for(
    directory: Path, project: Project, target: Target, targets: tuple[str, ...]
) -> Planned:
    """Plan the repo at ``directory`` against ``target``'s tenant."""
    request = plan_request(directory, project, target, targets)
    with TenantSession(target, voice()) as session:
        plan = session.run(partial(plan_with, request=request))
    return Planned(plan, target, request.repo)


def findings(planned: Planned) -> dict[str, tuple[str, ...]]:
    """Rule analysis of the resources the plan touches, by ``Kind/guid``: a reviewer
    sees that a new rule can never fire beside the rule itself."""
    if planned.repo is None:
        return {}
    found: dict[str, list[str]] = {}
    for finding in findings_for(planned.repo, [change.key for change in planned.plan.changes]):
        line = f"{finding.severity.value}[{finding.rule}]: {finding.message}"
        found.setdefault(finding.resource, []).append(line)
    return {key: tuple(lines) for key, lines in found.items()}


def make(directory: Path, env: str | None, targets: tuple[str, ...]) -> Planned:
    project = load_project(directory)
    return make_plan_for(directory, project, choose(project, env, directory), targets)


def journals(target: Target) -> Path:
    """Where the applies to ``target``'s environment keep their journals."""
    return target.state_dir / "journal"


def tenant_key(target: Target) -> str:
    """What keys an environment's journals and apply lock: its name and its tenant, so
    ``--resume`` against one tenant never shows another's run under the same name."""
    digest = hashlib.sha256(target.label.encode()).hexdigest()[:12]
    return f"{target.name}-{digest}"


def last_apply(target: Target) -> JournalState | None:
    """The journal of the environment's last apply, if there is one it can read (one
    it cannot is warned about: it must not stop a plan)."""
    path = latest_journal(journals(target), tenant_key(target))
    if path is None:
        return None
    try:
        return read_journal(path)
    except ConfigError as error:
        click.echo(f"Warning: cannot read the last apply's journal: {error}", err=True)
        return None


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
    planned = make(directory, env, targets)
    last = last_apply(planned.target)
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
