"""Live ids of managed resources, and the swap of symbolic references for them.

A plan holds references to managed resources as ``{"$managed": "Workflow/<guid>"}``,
because a workflow the plan creates has no id until Halo gives it one. The applier
learns ids as it goes (from the plan's updates and the unchanged resources it refers
to, from what creates answer, and from a list of the tenant only for a reference the
plan holds no id for, as in a plan from an older haloform) and swaps them in only
right before a payload is sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from haloform.common.ids import record_id
from haloform.halo import Record
from haloform.plan.model import Change, Plan
from haloform.resolve.edges import edge_key, payload_edges, payload_ref


def change_key(change: Change) -> str:
    """``change.key`` in the one spelling the applier matches on."""
    return edge_key(change.kind, change.guid)


def normal_key(key: str) -> str:
    """A ``Kind/<guid>`` key (from ``depends_on``) in the same spelling."""
    kind, _, guid = key.partition("/")
    return edge_key(kind, guid)


class IdMap:
    """Every managed resource's live id known so far, by key (``Workflow/<guid>``)."""

    def __init__(self, ids: Mapping[str, int] | None = None) -> None:
        self._ids = dict(ids or {})

    @classmethod
    def from_plan(cls, plan: Plan) -> IdMap:
        """The ids a plan already knows: of the records it updates or deletes, and of
        the unchanged ones its changes refer to."""
        ids = {edge_key(r.kind, r.guid): r.live_id for r in plan.referenced}
        ids.update((change_key(c), c.live_id) for c in plan.changes if c.live_id is not None)
        return cls(ids)

    def __contains__(self, key: str) -> bool:
        return key in self._ids

    def get(self, key: str) -> int | None:
        return self._ids.get(key)

    def add(self, key: str, live_id: int) -> None:
        self._ids[key] = live_id

    def learn(self, kind: str, rows: Iterable[Record]) -> None:
        """Ids of listed rows, for keys not known yet (what the plan knows wins)."""
        for row in rows:
            live_id, guid = record_id(row), row.get("guid")
            if live_id is not None and guid:
                self._ids.setdefault(edge_key(kind, guid), live_id)

    def missing(self, value: Any) -> set[str]:
        """Keys ``value`` refers to that have no id yet."""
        return {key for key in payload_edges(value) if key not in self._ids}

    def substitute(self, value: Any) -> Any:
        """A copy of ``value`` with every symbolic reference replaced by its id.

        Raises ``KeyError`` for a reference without an id: check ``missing`` first.
        """
        key = payload_ref(value)
        if key is not None:
            return self._ids[key]
        if isinstance(value, Mapping):
            return {name: self.substitute(item) for name, item in value.items()}
        if isinstance(value, list | tuple):
            return [self.substitute(item) for item in value]
        return value
