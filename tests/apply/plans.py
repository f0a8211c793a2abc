"""Plans built by hand, in Halo's id terms with symbolic references to managed
resources, as the planner would make them; and a minimal ordering of their changes
into levels (the planner's own lives in ``haloform.plan.graph``)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from haloform.apply import Applier, ApplyOptions, ApplyReport, EventHook, Levels
from haloform.apply.journal import JournalSink
from haloform.halo import HaloClient
from haloform.plan.model import Action, Change, Plan, Unmanaged
from haloform.resolve.index import managed_ref

WORKFLOW = "Workflow"
RULE = "TicketRule"
EVENT_RULE = "EventRule"
AGENT_ALICE = 1
"""An agent of the emulator's default seed."""


def new_guid() -> str:
    return str(uuid.uuid4())


def ref(kind: str, guid: str) -> dict[str, str]:
    return managed_ref(kind, guid)


def workflow(guid: str, name: str, **extra: Any) -> dict[str, Any]:
    """A workflow payload: one start step, as Halo wants at least a name."""
    steps = [{"step_id": 1, "name": "Logged", "isstart": True}]
    return {"guid": guid, "name": name, "steps": steps, **extra}


def rule(guid: str, name: str, **extra: Any) -> dict[str, Any]:
    return {"guid": guid, "name": name, "precedence": 10, **extra}


def create(
    kind: str,
    payload: dict[str, Any],
    *,
    depends_on: Iterable[str] = (),
    deferred: dict[str, Any] | None = None,
) -> Change:
    return Change(
        action=Action.CREATE,
        kind=kind,
        guid=payload["guid"],
        name=payload["name"],
        source=f"{kind.lower()}s/{payload['name']}.yaml:1",
        payload=payload,
        depends_on=tuple(depends_on),
        deferred=deferred,
    )


def update(kind: str, live_id: int, payload: dict[str, Any]) -> Change:
    return Change(
        action=Action.UPDATE,
        kind=kind,
        guid=payload["guid"],
        name=payload["name"],
        live_id=live_id,
        fingerprint="fp",
        payload={**payload, "id": live_id},
    )


def delete(kind: str, guid: str, name: str, live_id: int) -> Change:
    return Change(
        action=Action.DELETE, kind=kind, guid=guid, name=name, live_id=live_id, fingerprint="fp"
    )


def plan_of(*changes: Change, unmanaged: Iterable[Unmanaged] = ()) -> Plan:
    return Plan(
        environment="test",
        tenant="embedded:test",
        changes=tuple(changes),
        unmanaged=tuple(unmanaged),
    )


def levels(plan: Plan) -> list[list[Change]]:
    """Creates and updates by depth of ``depends_on`` inside the plan; then deletes,
    in the plan's order (tests that need a delete order build their levels by hand)."""
    saves = {c.key: c for c in plan.changes if c.action is not Action.DELETE}
    depth: dict[str, int] = {}

    def depth_of(key: str) -> int:
        if key not in depth:
            needed = [d for d in saves[key].depends_on if d in saves and d != key]
            depth[key] = 1 + max((depth_of(d) for d in needed), default=-1)
        return depth[key]

    ordered: list[list[Change]] = []
    for key in saves:
        while len(ordered) <= depth_of(key):
            ordered.append([])
        ordered[depth_of(key)].append(saves[key])
    deletes = [c for c in plan.changes if c.action is Action.DELETE]
    return ordered + ([deletes] if deletes else [])


async def apply_plan(
    plan: Plan,
    client: HaloClient,
    *,
    levels: Levels | None = None,
    batch_size: int = 50,
    allow_delete: bool = False,
    max_deletes: int | None = None,
    environ: Mapping[str, str] = os.environ,
    on_event: EventHook | None = None,
    journal: JournalSink | None = None,
) -> ApplyReport:
    """``plan`` applied over ``client`` with these options (``Applier.apply``)."""
    options = ApplyOptions(batch_size, allow_delete, max_deletes)
    applier = Applier(client, options, environ=environ, on_event=on_event, journal=journal)
    return await applier.apply(plan, levels)
