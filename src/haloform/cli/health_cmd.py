"""``haloform health``, and the ``apply --watch`` that runs it after an apply: parse,
call the core, render, exit (0 nothing failed, 2 failures found, 1 an error)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import click

from haloform.apply import ApplyReport
from haloform.cli.context import common_options
from haloform.cli.voice import voice
from haloform.halo import HaloClient
from haloform.health import (
    FORMATS,
    HealthReport,
    changed_workflows,
    check_health,
    declared_workflows,
    locate,
    parse_duration,
    render_health,
    utc_now,
    watch,
)
from haloform.load.repo import Repo
from haloform.load.settings import load_project
from haloform.load.validate import validate_repo
from haloform.plan.model import Plan
from haloform.tasks.session import TenantSession
from haloform.tasks.workspace import Target, choose

FAILURES_FOUND = 2
"""Exit code when the runtime records show failures (as ``--detailed-exitcode``'s 2)."""


def _repo(directory: Path, target: Target) -> Repo:
    project = load_project(directory)
    repo = validate_repo(directory, project.variables_for(target.environment), project.ignore)
    repo.diagnostics.raise_for_errors("the configuration has errors; health needs its workflows")
    return repo


async def _check(client: HaloClient, label: str, repo: Repo, since: datetime) -> HealthReport:
    workflows = await locate(client, declared_workflows(repo))
    return await check_health(client, label, workflows, since, utc_now())


@click.command("health")
@click.argument("directory", default=".", type=click.Path(exists=True, path_type=Path))
@click.option("--env", help="Environment of haloform.yaml (default: HALO_URL, else the default).")
@click.option(
    "--since",
    default="24h",
    show_default=True,
    help="How far back to look: 30m, 24h, 7d...",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@common_options
def health(directory: Path, env: str | None, since: str, fmt: str) -> None:
    """Failed automation runs of the workflows in DIRECTORY, and events no rule handled.

    Exits 0 when nothing failed, 2 when something did, 1 on an error."""
    window = parse_duration(since)  # a bad one is a ConfigError: exit 1, not a usage 2
    target = choose(load_project(directory), env, directory)
    repo = _repo(directory, target)
    with TenantSession(target, voice()) as session:
        start = utc_now() - window
        report = session.run(lambda client: _check(client, target.label, repo, start))
    click.echo(render_health(report, fmt), nl=False)
    if report.failed:
        click.get_current_context().exit(FAILURES_FOUND)


def watch_after_apply(
    session: TenantSession,
    plan: Plan,
    report: ApplyReport,
    started: datetime,
    duration: timedelta,
) -> bool:
    """``apply --watch``: watch the workflows the apply changed, on the apply's own
    client; False when they failed."""
    workflows = changed_workflows(plan, report)
    if not workflows:
        click.echo("Watch: the apply changed no workflow; nothing to watch.")
        return True

    async def run(client: HaloClient) -> HealthReport:
        return await watch(client, session.target.label, workflows, started, duration)

    click.echo(f"Watching {len(workflows)} workflows for {duration}...", err=True)
    health_report = session.run(run)
    click.echo(render_health(health_report, "text"), nl=False)
    return not health_report.failures
