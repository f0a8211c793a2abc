"""Deletes of records that tickets still use: warned about in the plan.

Only the detail GET of a workflow carries ``in_use`` (docs/halo-api.md), and deleting one that
tickets, rules or another workflow's step still use is refused by Halo or breaks those
users. The kind declares the field (``KindSpec.in_use_field``); the reading task reads
the doomed records of such a kind in full (``deletions.needed_by_deletes``).
"""

from __future__ import annotations

from collections.abc import Sequence

from haloform.plan.model import Action, Change
from haloform.snapshot.state import LiveState


def in_use_warnings(live: LiveState, changes: Sequence[Change]) -> list[str]:
    """One warning per planned delete whose live detail says it is in use, unless this
    plan deletes the users it knows of first (deletes wait for the deletes that refer
    to them, so Halo sees them gone before it is asked)."""
    users_go_first = {
        key for change in changes if change.action is Action.DELETE for key in change.depends_on
    }
    warnings = []
    for change in changes:
        kind = live.kinds.get(change.kind)
        field = kind.spec.in_use_field if kind is not None else None
        if kind is None or field is None or change.action is not Action.DELETE:
            continue
        detail = kind.details.get(change.live_id or 0) or {}
        if detail.get(field) and change.key not in users_go_first:
            warnings.append(
                f"{change.source}: {change.kind} {change.name!r} is in use ({field} is "
                "true in Halo): Halo may refuse the delete, or the tickets, rules and "
                "workflows that use it break; move them off it first"
            )
    return warnings
