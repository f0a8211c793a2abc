"""Deletes of records that tickets still use: warned about in the plan.

Only the detail GET of a workflow carries ``in_use`` (FACTS.md), and deleting one that
tickets, rules or another workflow's step still use is refused by Halo or breaks those
users. Deletes are few, so one detail read per delete of such a kind is worth it; the
kind declares the field (``KindSpec.in_use_field``).
"""

from __future__ import annotations

from collections.abc import Sequence

from haloform.fetch.reader import LiveState, Reader, read_details
from haloform.plan.model import Action, Change


async def in_use_warnings(client: Reader, live: LiveState, changes: Sequence[Change]) -> list[str]:
    """One warning per planned delete whose live detail says it is in use, unless this
    plan deletes the users it knows of first (deletes wait for the deletes that refer
    to them, so Halo sees them gone before it is asked)."""
    users_go_first = {
        key for change in changes if change.action is Action.DELETE for key in change.depends_on
    }
    warnings = []
    for kind, records in live.kinds.items():
        field = records.spec.in_use_field
        deletes = [
            change
            for change in changes
            if change.kind == kind and change.action is Action.DELETE and change.live_id
        ]
        if field is None or not deletes:
            continue
        await read_details(client, records, [c.live_id for c in deletes if c.live_id])
        for change in deletes:
            detail = records.details.get(change.live_id or 0) or {}
            if detail.get(field) and change.key not in users_go_first:
                warnings.append(
                    f"{change.source}: {change.kind} {change.name!r} is in use ({field} is "
                    "true in Halo): Halo may refuse the delete, or the tickets, rules and "
                    "workflows that use it break; move them off it first"
                )
    return warnings
