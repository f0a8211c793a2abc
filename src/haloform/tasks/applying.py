"""The impure steps of ``haloform apply`` around the core: where a saved plan comes
from, whether it is still true, and the journaled run.

What to show, what to ask and how to exit stay in the command line; the apply itself
is the core's (``haloform.apply``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Callable
from pathlib import Path

from haloform.apply import (
    Applier,
    ApplyOptions,
    ApplyReport,
    JournalFile,
    JournalWriteError,
    record_nothing_to_do,
)
from haloform.apply.events import ApplyEvent
from haloform.apply.freshness import moved_since
from haloform.errors import ConfigError, PlanError
from haloform.halo import HaloClient
from haloform.load.secrets import secret_variable
from haloform.load.settings import find_project, load_project
from haloform.plan.model import Plan
from haloform.tasks.journals import new_journal
from haloform.tasks.planning import Job, Planned
from haloform.tasks.workspace import choose


def is_saved_plan(source: Path) -> bool:
    """Whether ``apply SOURCE`` names a plan file rather than a repo or a YAML file."""
    return source.is_file() and source.suffix not in (".yaml", ".yml")


def saved_job(path: Path, env: str | None, repo: Path | None) -> Job:
    """A saved plan, for the tenant it was made for, its secrets all set."""
    plan = Plan.from_json(path.read_text(encoding="utf-8"), str(path))
    root = repo or plan_repo(path, plan)
    project = load_project(root)
    target = choose(project, env or plan.environment, root)
    if target.label != plan.tenant:
        raise PlanError(
            f"{path} was made for {plan.tenant}, not {target.label}: plan again for this tenant"
        )
    _check_secrets(plan)
    return Job(target, saved=plan)


def plan_repo(path: Path, plan: Plan) -> Path:
    """The repo whose haloform.yaml names the plan's tenant: the one the plan records,
    else the nearest directory above the plan file that has a haloform.yaml."""
    recorded = Path(plan.repo) if plan.repo else None
    if recorded is not None and recorded.is_dir():
        return recorded
    found = find_project(path)
    if found is not None:
        return found.parent
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


def journal_path(planned: Planned) -> Path:
    """A new journal for this apply, named when it starts."""
    return new_journal(planned.target, planned.plan.digest)


async def apply_planned(
    client: HaloClient,
    planned: Planned,
    *,
    saved: bool,
    options: ApplyOptions,
    journal: JournalFile,
    on_event: Callable[[ApplyEvent], None],
) -> ApplyReport:
    """Apply ``planned`` over ``client``, journaled; a saved plan is checked first
    against what the tenant holds now (nothing is sent if it moved)."""
    _stop_on_sigterm()
    if saved:
        moved = await moved_since(client, planned.plan)
        if moved:
            raise PlanError(
                "the tenant changed since the plan was made; nothing was "
                "applied:\n" + "\n".join(f"  {line}" for line in moved)
            )
    applier = Applier(client, options, on_event=on_event, journal=journal)
    return await applier.apply(planned.plan)


def _stop_on_sigterm() -> None:
    """A cancelled CI job gets SIGTERM before SIGKILL: stop as on a Ctrl-C, so the
    journal says where the apply got to. (Unix only; the default elsewhere.)"""
    task = asyncio.current_task()
    if task is not None:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)


def journal_nothing(planned: Planned) -> str | None:
    """An apply with nothing to do leaves its journal too; failing to is only a
    warning (returned), since nothing is sent."""
    with JournalFile(journal_path(planned)) as journal:
        try:
            record_nothing_to_do(planned.plan, journal)
        except JournalWriteError as error:
            return f"Warning: {error}"
    return None
