"""Live ids of managed resources, and the swap of symbolic references for them.

A plan holds references to managed resources as ``{"$managed": "Workflow/<guid>"}``,
because a workflow the plan creates has no id until Halo gives it one. The applier
learns ids as it goes (from the plan's updates, from what creates answer, from a list
of the tenant when a reference points outside the plan) and swaps them in only right
before a payload is sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from haloform.common.ids import record_id
from haloform.halo import Record
from haloform.plan.model import Change
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
    def from_changes(cls, changes: Iterable[Change]) -> IdMap:
        """The ids a plan already knows: those of the records it updates or deletes."""
        return cls({change_key(c): c.live_id for c in changes if c.live_id is not None})

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
