"""Read what a plan needs of a tenant, then plan: the only place the two meet.

Reading comes first and whole (``haloform.fetch``): one list per managed kind and per
lookup the files name; the references are resolved from those lists before any detail
is paid for (a typo fails the plan at the cost of the lists); then the details the
files need (``plan.wants``), every child row a guid-identified field may be paired in,
and the doomed records in full where their rows cannot order the deletes
(``plan.deletions``). The planner then computes from that snapshot alone.
"""

from __future__ import annotations

from collections.abc import Callable

from haloform.fetch.reader import Reader, read_children, read_needed_details, read_state
from haloform.plan.build import PlanRequest, check_references, make_plan
from haloform.plan.deletions import needed_by_deletes, planned_deletions
from haloform.plan.model import Plan
from haloform.plan.wants import set_in_files, used_lookups
from haloform.resolve.references import guid_identified_kinds
from haloform.snapshot.state import LiveState

Explain = Callable[[str], None]
"""Hears which detail reads were needed and why (``-v``)."""


async def read_for_plan(
    client: Reader, request: PlanRequest, explain: Explain | None = None
) -> LiveState:
    """Everything ``make_plan`` computes from, read with as few requests as it takes;
    raises ``ConfigErrors`` for unresolvable references once the lists are read."""
    live = await read_state(client, request.specs, used_lookups(request.repo))
    check_references(request, live)
    details = await read_needed_details(client, live, set_in_files(request.repo))
    await read_children(client, live, guid_identified_kinds(request.repo))
    if explain is not None:
        for line in details.lines("set in files"):
            explain(line)
    deletes, _ = planned_deletions(request.repo, request.prune, live)
    if deletes:
        await read_needed_details(client, live, needed_by_deletes(deletes))
    return live


async def plan_tenant(client: Reader, request: PlanRequest, explain: Explain | None = None) -> Plan:
    """The plan for ``request``: the tenant read, then the pure planner."""
    return make_plan(request, await read_for_plan(client, request, explain))
