"""``haloform apply``: parse, call a task, ask, render, exit.

Every apply writes its journal under ``<repo>/.haloform/journal/<env>/``
(``tasks.journals`` picks the file, the core writes it). A Ctrl-C (or SIGTERM) prints what ran,
read back from that journal, and exits 130 (143); ``--resume`` reads the last one first.
"""

from __future__ import annotations

import asyncio
import sys
from functools import partial
from pathlib import Path
from typing import NoReturn

import click

from haloform.apply import ApplyOptions, ApplyReport, JournalFile, read_journal
from haloform.apply.lock import apply_lock
from haloform.cli.context import common_options, env_option, state, use_color
from haloform.cli.health_cmd import watch_after_apply
from haloform.cli.plan_cmds import explain
from haloform.cli.progress import ApplyProgress
from haloform.cli.voice import voice
from haloform.common.paths import shown_file
from haloform.errors import ApplyError, ConfigError, PlanError
from haloform.health import parse_duration, utc_now
from haloform.render import render
from haloform.render.report import how_it_ended, render_journal, render_report
from haloform.tasks.applying import (
    apply_planned,
    is_saved_plan,
    journal_nothing,
    journal_path,
    saved_job,
)
from haloform.tasks.journals import last_apply, lock_path
from haloform.tasks.planning import Job, Planned, repo_job
from haloform.tasks.session import TenantSession
from haloform.tasks.workspace import Target

INTERRUPTED_EXIT = 130
"""What a shell reports for a process ended by Ctrl-C (128 + SIGINT)."""
TERMINATED_EXIT = 143
"""And for one ended by SIGTERM (128 + 15)."""


def _resumed(directory: Path, env: str | None, targets: tuple[str, ...]) -> Job:
    """Report the environment's last apply if it did not finish, then plan afresh:
    the tenant, not the journal, says what is left to do."""
    job = repo_job(directory, env, targets)
    target = job.target
    last, unreadable = last_apply(target)
    if unreadable is not None:
        click.echo(unreadable, err=True)
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
    return job


def _job(
    source: Path, env: str | None, targets: tuple[str, ...], repo: Path | None, resume: bool
) -> Job:
    if resume:
        return _resumed(source, env, targets)
    if is_saved_plan(source):
        return saved_job(source, env, repo)
    return repo_job(source, env, targets)


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
    saved = is_saved_plan(source)
    if resume and saved:
        raise PlanError("--resume plans afresh from the tenant: give the repo, not a saved plan")
    watching = parse_duration(watch) if watch is not None else None
    job = _job(source, env, targets, repo, resume)
    options = ApplyOptions(batch_size, allow_delete, max_deletes, verify=not no_verify)
    lock = lock_path(job.target)
    with apply_lock(lock, job.target.label), TenantSession(job.target, voice()) as session:
        planned = job.planned(session, explain())
        click.echo(render(planned.plan, "text", color=use_color()), nl=False)
        if not planned.plan.has_changes:
            if (warning := journal_nothing(planned)) is not None:
                click.echo(warning, err=True)
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


def _run(
    session: TenantSession, planned: Planned, saved: bool, options: ApplyOptions
) -> ApplyReport:
    """Apply, journaled; a Ctrl-C prints what ran and exits 130."""
    path = journal_path(planned)
    progress = ApplyProgress(len(planned.plan.changes), verbose=bool(state().verbose))
    with JournalFile(path) as journal:
        work = partial(
            apply_planned,
            planned=planned,
            saved=saved,
            options=options,
            journal=journal,
            on_event=progress,
        )
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
