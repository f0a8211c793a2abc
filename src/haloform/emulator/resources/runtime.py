"""Runtime records, not configuration: the event log (/Event), automation runs
(/Automation) and outbound notifications (/Notifications). Enough of each to read,
page, delete and trigger, so a client can be tested against their shapes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from starlette.responses import Response
from starlette.routing import Route

from haloform.emulator.api import Call, api_route, invalid, ok
from haloform.emulator.kinds import LABELS
from haloform.emulator.resources.common import PAGING, deleted, fetch, page
from haloform.emulator.store import Doc
from haloform.emulator.tenant import Tenant


@dataclass(frozen=True)
class Runtime:
    kind: str
    path: str
    plural: str
    """The key a paged answer wraps the rows in."""


EVENTS = Runtime("event", "/Event", "events")
AUTOMATIONS = Runtime("automation", "/Automation", "automations")
NOTIFICATIONS = Runtime("notifications", "/Notifications", "notifications")


def routes(tenant: Tenant) -> list[Route]:
    return [
        api_route(tenant, EVENTS.path, "GET", _list_events, extra_query=PAGING),
        api_route(tenant, EVENTS.path, "POST", _process_events),
        api_route(tenant, AUTOMATIONS.path, "GET", _list_automations, extra_query=PAGING),
        api_route(tenant, AUTOMATIONS.path, "POST", _trigger_automations),
        api_route(tenant, "/Automation/{runbookId}", "POST", _run_runbook),
        api_route(tenant, NOTIFICATIONS.path, "GET", _list_notifications),
        *[
            route
            for runtime in (EVENTS, AUTOMATIONS, NOTIFICATIONS)
            for route in _one(tenant, runtime)
        ],
    ]


async def _list_events(call: Call) -> Response:
    return ok(page(call.tenant.store.all(EVENTS.kind), call.query, EVENTS.plural))


async def _list_automations(call: Call) -> Response:
    """Always an Automation_View, paged or not."""
    rows = call.tenant.store.all(AUTOMATIONS.kind)
    return ok(page(rows, call.query, AUTOMATIONS.plural, always_wrap=True))


async def _process_events(call: Call) -> Response:
    return await _touch(call, EVENTS, {"status": "Processed"})


async def _trigger_automations(call: Call) -> Response:
    return await _touch(call, AUTOMATIONS, {"status": "Queued"})


def _one(tenant: Tenant, runtime: Runtime) -> list[Route]:
    async def get_one(call: Call) -> Response:
        return ok(fetch(tenant, runtime.kind, call.path()))

    async def delete_one(call: Call) -> Response:
        doc = fetch(tenant, runtime.kind, call.path())
        tenant.store.delete(runtime.kind, doc["id"])
        return deleted(tenant, doc)

    one = f"{runtime.path}/{{id}}"
    return [api_route(tenant, one, "GET", get_one), api_route(tenant, one, "DELETE", delete_one)]


async def _list_notifications(call: Call) -> Response:
    """Newest first; ``newer_than_id``/``older_than_id`` bound the ids, ``count`` caps
    the rows, then the usual paging applies."""
    query = call.query
    rows = sorted(call.tenant.store.all(NOTIFICATIONS.kind), key=lambda r: r["id"], reverse=True)
    newer, older, count = (query.number(n) for n in ("newer_than_id", "older_than_id", "count"))
    if newer is not None:
        rows = [row for row in rows if row["id"] > newer]
    if older is not None:
        rows = [row for row in rows if row["id"] < older]
    if count is not None:
        rows = rows[: max(count, 0)]
    return ok(page(rows, query, NOTIFICATIONS.plural))


async def _touch(call: Call, runtime: Runtime, changes: Doc) -> Response:
    """POST of an array of ids: act on each record, all or none."""
    ids: list[int] = await call.body()
    store = call.tenant.store
    docs = [store.get(runtime.kind, rid) for rid in ids]
    missing = {
        f"[{n}]": f"{LABELS[runtime.kind]} {rid} does not exist"
        for n, (rid, doc) in enumerate(zip(ids, docs, strict=True))
        if doc is None
    }
    if missing:
        raise invalid(missing)
    touched = [{**doc, **changes} for doc in docs if doc is not None]
    with store.transaction():
        for doc in touched:
            store.put(runtime.kind, doc["id"], doc)
    return ok(touched)


async def _run_runbook(call: Call) -> Response:
    """``POST /Automation/{runbookId}``: multipart with a ``formCollection`` field
    (the runbook's input variables, JSON when it parses as JSON)."""
    form = await call.request.form()
    raw = form.get("formCollection")
    if not isinstance(raw, str):
        raise invalid({"formCollection": "The formCollection field is required."})
    try:
        variables: object = json.loads(raw)
    except ValueError:
        variables = raw
    store = call.tenant.store
    with store.transaction():
        doc: Doc = {
            "id": store.next_id(AUTOMATIONS.kind),
            "runbook_id": str(call.path("runbookId")),
            "status": "Queued",
            "retries": 0,
            "error": "",
            "timestamp": datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="milliseconds"),
            "form": variables,
        }
        store.put(AUTOMATIONS.kind, doc["id"], doc)
    return ok(doc)
