"""The tenant directory a configuration refers to but never changes: agents, teams,
statuses, priorities, SLAs, templates, ticket types and outcomes (Halo's "Actions").

Read-only here. Without paging parameters every list is a bare array; with
``pageinate=true`` Halo wraps some (/Agent, /Template) and not others.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.responses import Response
from starlette.routing import Route

from haloform.emulator.api import Call, api_route, not_found, ok
from haloform.emulator.kinds import GUID_KEYED, LABELS
from haloform.emulator.resources.common import PAGING, fetch, page
from haloform.emulator.tenant import Tenant


@dataclass(frozen=True)
class Lookup:
    kind: str
    path: str
    paged_key: str | None = None
    """The key a ``pageinate=true`` answer wraps the rows in; None stays bare."""


LOOKUPS = (
    Lookup("agent", "/Agent", paged_key="results"),
    Lookup("team", "/Team"),
    Lookup("status", "/Status"),
    Lookup("priority", "/Priority"),
    Lookup("sla", "/SLA"),
    Lookup("template", "/Template", paged_key="stdrequests"),
    Lookup("tickettype", "/TicketType"),
    Lookup("outcome", "/Outcome"),
)


def routes(tenant: Tenant) -> list[Route]:
    return [route for lookup in LOOKUPS for route in _routes(tenant, lookup)]


def _routes(tenant: Tenant, lookup: Lookup) -> list[Route]:
    async def list_all(call: Call) -> Response:
        rows = tenant.store.all(lookup.kind)
        return ok(page(rows, call.query, lookup.paged_key) if lookup.paged_key else rows)

    async def get_one(call: Call) -> Response:
        if lookup.kind not in GUID_KEYED:
            return ok(fetch(tenant, lookup.kind, call.path()))
        doc = tenant.store.find_guid(lookup.kind, call.path())
        if doc is None:
            raise not_found(f"{LABELS[lookup.kind]} {call.path()} not found")
        return ok(doc)

    return [
        api_route(tenant, lookup.path, "GET", list_all, extra_query=PAGING),
        api_route(tenant, f"{lookup.path}/{{id}}", "GET", get_one),
    ]
