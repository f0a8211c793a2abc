"""``apply --watch``: health of the workflows an apply changed, for a while after it.

A rule or workflow Halo kept can still break tickets once it runs. Watching polls the
automation runs of just those workflows, from the apply's start, and stops at the
first failure (the run then fails) or when the duration is up.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta

from haloform.apply.report import ApplyReport, Status
from haloform.halo import HaloClient
from haloform.health.check import Watched, check_health
from haloform.health.model import HealthReport
from haloform.plan.model import Action, Plan

Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]


def utc_now() -> datetime:
    return datetime.now(UTC)


def changed_workflows(plan: Plan, report: ApplyReport, kind: str = "Workflow") -> list[Watched]:
    """The workflows the apply created or updated, with their ids and step names."""
    payloads = {change.key: change.payload or {} for change in plan.changes}
    watched = []
    for result in report.results:
        applied = result.status is Status.APPLIED and result.action is not Action.DELETE
        if result.kind == kind and applied and result.live_id is not None:
            steps = payloads.get(result.key, {}).get("steps") or []
            names = {
                step["step_id"]: str(step.get("name") or "")
                for step in steps
                if isinstance(step, dict) and isinstance(step.get("step_id"), int)
            }
            watched.append(Watched(result.guid, result.name, result.live_id, names))
    return watched


def poll_interval(duration: timedelta) -> float:
    """A tenth of the watch, between 50 ms and 30 s: a short watch still polls several
    times, a long one spends little of the tenant's rate budget."""
    return max(0.05, min(30.0, duration.total_seconds() / 10))


async def watch(
    client: HaloClient,
    tenant: str,
    workflows: Sequence[Watched],
    since: datetime,
    duration: timedelta,
    *,
    clock: Clock = utc_now,
    sleep: Sleep = asyncio.sleep,
) -> HealthReport:
    """The first report with failures, or the last one when ``duration`` ran out."""
    end = clock() + duration
    interval = poll_interval(duration)
    while True:
        now = clock()
        report = await check_health(client, tenant, workflows, since, now, events=False)
        if report.failures or now >= end:
            return report
        await sleep(min(interval, max(0.0, (end - now).total_seconds())))
