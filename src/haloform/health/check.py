"""Health: what Halo's runtime records say about what the repo manages.

Automation runs (/Automation) carry ``workflow_id``, ``workflow_step``, ``status``
(2 completed, 1 failed with ``error``) and ``timestamp``; only runs of the repo's own
workflows count, so another team's failing runbook does not fail this repo's check.
Event records (/Event) are reported when they say no event rule handled them; where
they do not say, nothing is guessed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from haloform.common.ids import as_id, canonical_guid, known_id
from haloform.fetch.reader import read_kind
from haloform.halo import HaloClient, Record
from haloform.health.model import Failure, HealthReport, UnhandledEvent
from haloform.health.records import parse_timestamp, read_window
from haloform.kinds import KINDS, KindSpec
from haloform.load.repo import Repo

AUTOMATIONS = "/Automation"
EVENTS = "/Event"
FAILED = 1
"""/Automation ``status`` of a failed run (docs/halo-api.md); 2 is completed."""
_TICKET_FIELDS = ("ticket_id", "faultid", "ticketid")
"""Where a run might name its ticket: not confirmed, so each is tried."""
_RULE_FIELDS = ("eventrule_id", "event_rule_id")
"""Where an event might name the rule that handled it (0 or empty: none did)."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EVENT_STAMPS = ("last_attempt_date", "timestamp", "datetime", "dateoccurred")


@dataclass(frozen=True)
class Watched:
    """A workflow the repo manages, as the tenant knows it."""

    guid: str
    name: str
    live_id: int
    steps: Mapping[int, str] = field(default_factory=dict)
    """``step_id`` -> the step's name, as the repo writes it."""


def _watched_kind() -> KindSpec | None:
    """The kind Halo records automation runs against (``KindSpec.automations``)."""
    return next((spec for spec in KINDS if spec.automations), None)


def declared_workflows(repo: Repo) -> dict[str, tuple[str, dict[int, str]]]:
    """guid -> (name, step names) of the repo's workflows."""
    spec = _watched_kind()
    found: dict[str, tuple[str, dict[int, str]]] = {}
    for item in repo.of_kind(spec) if spec is not None else ():
        steps = getattr(item.resource, "steps", None) or []
        names = {step.step_id: step.name or "" for step in steps}
        found[canonical_guid(item.guid)] = (item.name, names)
    return found


async def locate(
    client: HaloClient, declared: Mapping[str, tuple[str, Mapping[int, str]]]
) -> list[Watched]:
    """The declared workflows the tenant holds, with their ids there (one list)."""
    spec = _watched_kind()
    if spec is None or not declared:
        return []
    live = await read_kind(client, spec)
    watched = []
    for guid, (name, steps) in sorted(declared.items(), key=lambda item: item[1][0]):
        row = live.row(guid)
        if row is not None:
            watched.append(Watched(guid, name, known_id(row), dict(steps)))
    return watched


async def check_health(
    client: HaloClient,
    tenant: str,
    workflows: Sequence[Watched],
    since: datetime,
    now: datetime,
    *,
    events: bool = True,
) -> HealthReport:
    """Failed runs of ``workflows`` and (with ``events``) unhandled events, from
    ``since`` to ``now``."""
    before = client.stats.total
    runs, logged = await asyncio.gather(
        read_window(client, AUTOMATIONS, since, _run_stamp),
        read_window(client, EVENTS, since, _event_stamp) if events else _nothing(),
    )
    by_id = {workflow.live_id: workflow for workflow in workflows}
    mine = [run for run in runs if as_id(run.get("workflow_id")) in by_id]
    tell = any(name in event for event in logged for name in _RULE_FIELDS)
    return HealthReport(
        tenant=tenant,
        since=since,
        until=now,
        workflows=tuple(workflow.name for workflow in workflows),
        runs=len(mine),
        failures=tuple(_failures(mine, by_id)),
        unhandled_events=tuple(_unhandled(logged)),
        events_read=events,
        events_tell=tell,
        requests=client.stats.total - before,
    )


async def _nothing() -> list[Record]:
    return []


def _failures(runs: Iterable[Record], by_id: Mapping[int, Watched]) -> list[Failure]:
    groups: dict[tuple[int, int | None], list[Record]] = {}
    for run in runs:
        if _failed(run):
            key = (as_id(run.get("workflow_id")) or 0, as_id(run.get("workflow_step")))
            groups.setdefault(key, []).append(run)
    failures = []
    for (workflow_id, step), group in groups.items():
        workflow, latest = by_id[workflow_id], group[-1]
        tickets = sorted({t for run in group if (t := _ticket(run)) is not None})
        failures.append(
            Failure(
                workflow=workflow.name,
                workflow_guid=workflow.guid,
                step=step,
                step_name=workflow.steps.get(step) if step is not None else None,
                count=len(group),
                last_error=str(latest.get("error") or ""),
                last_seen=_run_stamp(latest) or _EPOCH,
                tickets=tuple(tickets),
            )
        )
    return sorted(failures, key=lambda f: (f.workflow.casefold(), f.step or 0))


def _unhandled(events: Iterable[Record]) -> list[UnhandledEvent]:
    found = []
    for event in events:
        named = [event[name] for name in _RULE_FIELDS if name in event]
        if named and not any(as_id(value) for value in named):
            summary = event.get("summary")
            found.append(
                UnhandledEvent(
                    id=as_id(event.get("id")),
                    last_seen=_event_stamp(event) or _EPOCH,
                    type=event.get("type") if isinstance(event.get("type"), str | int) else None,
                    summary=str(summary) if summary else None,
                )
            )
    return found


def _failed(run: Mapping[str, Any]) -> bool:
    status = run.get("status")
    if isinstance(status, str):
        return status.strip().casefold() in ("1", "failed")
    return as_id(status) == FAILED


def _ticket(run: Mapping[str, Any]) -> int | None:
    for name in _TICKET_FIELDS:
        value = as_id(run.get(name))
        if value:
            return value
    return None


def _run_stamp(run: Mapping[str, Any]) -> datetime | None:
    return parse_timestamp(run.get("timestamp"))


def _event_stamp(event: Mapping[str, Any]) -> datetime | None:
    return next(
        (stamp for name in _EVENT_STAMPS if (stamp := parse_timestamp(event.get(name)))), None
    )
