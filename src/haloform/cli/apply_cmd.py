"""``haloform apply``: parse, call the core, render, exit.

Every apply writes its journal under ``<repo>/.haloform/journal/<env>/``; this module
only picks the file and hands it to the core. A Ctrl-C (or SIGTERM) prints what ran,
read back from that journal, and exits 130 (143); ``--resume`` reads the last one first.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import NoReturn

import click

from haloform.apply import (
    Applier,
    ApplyOptions,
    ApplyReport,
    JournalFile,
    JournalWriteError,
    new_journal_path,
    read_journal,
    record_nothing_to_do,
)
from haloform.apply.freshness import moved_since
from haloform.apply.lock import apply_lock
from haloform.cli.context import common_options, env_option, state, use_color
from haloform.cli.health_cmd import watch_after_apply
from haloform.cli.plan_cmds import (
    Planned,
    journals,
    last_apply,
    plan_request,
    plan_with,
    tenant_key,
)
from haloform.cli.progress import ApplyProgress
from haloform.cli.voice import voice
from haloform.common.paths import shown_file
from haloform.errors import ApplyError, ConfigError, PlanError
from haloform.halo import HaloClient
from haloform.health import parse_duration, utc_now
from haloform.load.documents import PROJECT_FILES
from haloform.load.secrets import secret_variable
from haloform.load.settings import load_project
from haloform.plan.build import PlanRequest
from haloform.plan.model import Plan
from haloform.render import render
from haloform.render.report import how_it_ended, render_journal, render_report
from haloform.tasks.session import TenantSession
from haloform.tasks.workspace import Target, choose

INTERRUPTED_EXIT = 130
"""What a shell reports for a process ended by Ctrl-C (128 + SIGINT)."""
TERMINATED_EXIT = 143
"""And for one ended by SIGTERM (128 + 15)."""


def _saved(path: Path, env: str | None, repo: Path | None) -> Planned:
    plan = Plan.from_json(path.read_text(encoding="utf-8"), str(path))
    root = repo or plan_repo(path, plan)
    project = load_project(root)
    target = choose(project, env or plan.environment, root)
    if target.label != plan.tenant:
        raise PlanError(
            f"{path} was made for {plan.tenant}, not {target.label}: plan again for this tenant"
        )
    _check_secrets(plan)
    return Planned(plan, target)


def plan_repo(path: Path, plan: Plan) -> Path:
    """The repo whose haloform.yaml names the plan's tenant: the one the plan records,
    else the nearest directory above the plan file that has a haloform.yaml."""
    recorded = Path(plan.repo) if plan.repo else None
    if recorded is not None and recorded.is_dir():
        return recorded
    for directory in path.resolve().parents:
        if any((directory / name).is_file() for name in PROJECT_FILES):
            return directory
    if recorded is None:
        return path.parent
    raise PlanError(
        f"{path} was made from the repo at {recorded}, which is not here, and no "
        "haloform.yaml is above the plan file: give the repo's directory with "
        f"'haloform apply {path} --repo DIR'"
    )


def _check_secrets(plan: Plan) -> None:
    """A saved plan's secrets must all be set before its first write, not at its POST."""
    missing = [
        f"{change.source or change.name}: {field}: environment variable {name} is not set"
        for change in plan.changes
        for field in sorted(change.spec.write_only)
        if (name := secret_variable((change.payload or {}).get(field))) and not os.environ.get(name)
    ]
    if missing:
        raise ConfigError("secrets are missing; nothing was applied:\n  " + "\n  ".join(missing))


def _resumed(directory: Path, env: str | None, targets: tuple[str, ...]) -> _Job:
    """Report the environment's last apply if it did not finish, then plan afresh:
    the tenant, not the journal, says what is left to do."""
    project = load_project(directory)
    target = choose(project, env, directory)
    last = last_apply(target)
    if last is None:
        click.echo(f"No earlier apply to {target.name} is journaled: nothing to resume.", err=True)
    elif last.interrupted:
        click.echo(render_journal(last))
        click.echo(
            f"Resuming from {shown_file(last.path)}: planning afresh from what {target.label} "
            "holds now (what landed is found by guid and not sent again).",
            err=True,
        )
    else:
        click.echo(f"Nothing to resume: {how_it_ended(last)}.", err=True)
    return _Job(target, plan_request(directory, project, target, targets))


@dataclass(frozen=True)
class _Job:
    """What an apply works from: a repo to plan, or a plan saved earlier."""

    target: Target
    request: PlanRequest | None = None
    saved: Plan | None = None

    def planned(self, session: TenantSession) -> Planned:
        if self.saved is not None:
            return Planned(self.saved, self.target)
        assert self.request is not None
        plan = session.run(partial(plan_with, request=self.request))
        return Planned(plan, self.target, self.request.repo)


def _job(
    source: Path, env: str | None, targets: tuple[str, ...], repo: Path | None, resume: bool
) -> _Job:
    if resume:
        return _resumed(source, env, targets)
    if source.is_file() and source.suffix not in (".yaml", ".yml"):
        planned = _saved(source, env, repo)
        return _Job(planned.target, saved=planned.plan)
    project = load_project(source)
    target = choose(project, env, source)
    return _Job(target, plan_request(source, project, target, targets))


async def _apply(
    client: HaloClient, planned: Planned, saved: bool, options: ApplyOptions, journal: JournalFile
) -> ApplyReport:
    _stop_on_sigterm()
    if saved:
        moved = await moved_since(client, planned.plan)
        if moved:
            raise PlanError(
                "the tenant changed since the plan was made; nothing was "
                "applied:\n" + "\n".join(f"  {line}" for line in moved)
            )
    hook = ApplyProgress(len(planned.plan.changes), verbose=bool(state().verbose))
    applier = Applier(client, options, on_event=hook, journal=journal)
    return await applier.apply(planned.plan)


def _stop_on_sigterm() -> None:
    """A cancelled CI job gets SIGTERM before SIGKILL: stop as on a Ctrl-C, so the
    journal says where the apply got to. (Unix only; the default elsewhere.)"""
    task = asyncio.current_task()
    if task is not None:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)


@click.command("apply")
@click.argument("source", default=".", type=click.Path(exists=True, path_type=Path))
@env_option
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
@click.option(
    "--resume",
    is_flag=True,
    help="Show what the environment's last apply did if it was interrupted, then plan "
    "afresh from the tenant and apply the rest.",
)
@click.option(
    "--repo",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="With a saved plan: the repo it was made from (default: the one it records).",
)
@click.option(
    "--no-verify",
    is_flag=True,
    help="Do not read back what was written to check that Halo kept it.",
)
@click.option(
    "--watch",
    metavar="DURATION",
    help="After the writes, watch the automation runs of the workflows this apply "
    "changed for DURATION (e.g. 10m) and fail if they fail.",
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
    resume: bool,
    repo: Path | None,
    no_verify: bool,
    watch: str | None,
) -> None:
    """Apply the config in SOURCE (a directory), or a plan saved with 'plan --out'."""
    saved = source.is_file() and source.suffix not in (".yaml", ".yml")
    if resume and saved:
        raise PlanError("--resume plans afresh from the tenant: give the repo, not a saved plan")
    watching = parse_duration(watch) if watch is not None else None
    job = _job(source, env, targets, repo, resume)
    options = ApplyOptions(batch_size, allow_delete, max_deletes, verify=not no_verify)
    lock = job.target.state_dir / "locks" / f"{tenant_key(job.target)}.lock"
    with apply_lock(lock, job.target.label), TenantSession(job.target, voice()) as session:
        planned = job.planned(session)
        click.echo(render(planned.plan, "text", color=use_color()), nl=False)
        if not planned.plan.has_changes:
            _journal_nothing(planned)
            return
        _confirm(planned.target, auto_approve)
        started = utc_now()
        report = _run(session, planned, saved, options)
        click.echo(render_report(report), nl=False)
        healthy = watching is None or watch_after_apply(
            session, planned.plan, report, started, watching
        )
    if not (report.ok and healthy):
        click.get_current_context().exit(1)


def _journal_path(planned: Planned) -> Path:
    """A new journal for this apply, named when it starts."""
    target = planned.target
    return new_journal_path(journals(target), tenant_key(target), planned.plan.digest)


def _run(
    session: TenantSession, planned: Planned, saved: bool, options: ApplyOptions
) -> ApplyReport:
    """Apply, journaled; a Ctrl-C prints what ran and exits 130."""
    path = _journal_path(planned)
    with JournalFile(path) as journal:
        work = partial(_apply, planned=planned, saved=saved, options=options, journal=journal)
        try:
            return session.run(work)
        except KeyboardInterrupt:
            journal.close()
            _interrupted(path, INTERRUPTED_EXIT)
        except asyncio.CancelledError:  # only SIGTERM cancels it, see _stop_on_sigterm
            journal.close()
            _interrupted(path, TERMINATED_EXIT)
        except ApplyError as error:
            if isinstance(error.report, ApplyReport):
                click.echo(render_report(error.report), nl=False)
            raise


def _interrupted(path: Path, code: int) -> NoReturn:
    """What the interrupted apply did, as its journal records it; exits ``code``."""
    if path.exists():
        try:
            click.echo(render_journal(read_journal(path), title=False), nl=False)
        except ConfigError as error:
            click.echo(f"Warning: cannot read this apply's journal: {error}", err=True)
        click.echo(
            f"Interrupted. The journal of this apply is {shown_file(path)}; "
            "'haloform apply --resume' shows it and finishes the job.",
            err=True,
        )
    else:
        click.echo("Interrupted before anything was sent.", err=True)
    click.get_current_context().exit(code)


def _journal_nothing(planned: Planned) -> None:
    """An apply with nothing to do leaves its journal too; failing to is only a
    warning, since nothing is sent."""
    with JournalFile(_journal_path(planned)) as journal:
        try:
            record_nothing_to_do(planned.plan, journal)
        except JournalWriteError as error:
            click.echo(f"Warning: {error}", err=True)


def interactive() -> bool:
    """Whether a person can answer the confirmation (a seam for tests)."""
    return sys.stdin.isatty()


def _confirm(target: Target, auto_approve: bool) -> None:
    if auto_approve:
        return
    if not interactive():
        raise PlanError("apply asks for confirmation on a terminal; in CI pass --auto-approve")
    click.echo(
        f"\nDo you want to apply these changes to {target.label}?\n"
        "  Only 'yes' will be accepted to approve.\n",
        err=True,
    )
    answer = click.prompt("  Enter a value", default="", show_default=False, err=True)
    if answer.strip() != "yes":
        raise PlanError("apply cancelled: nothing was sent")
