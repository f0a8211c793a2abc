"""Finding what a record refers to: agents by id, teams by name, priorities by
``priorityid``, workflows by id... Built per request and indexed lazily, so a list
of a thousand rules reads each table once, not once per rule.

Names match case-insensitively, as they do in Halo's SQL Server collation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from haloform.emulator.store import Doc, Store

T = TypeVar("T")

_CRITERIA_LOOKUPS: dict[str, tuple[str, str]] = {
    "agent_id": ("agent", "id"),
    "priority_id": ("priority", "priorityid"),
    "sla_id": ("sla", "id"),
    "status_id": ("status", "id"),
    "team_id": ("team", "id"),
    "template_id": ("template", "id"),
    "tickettype_id": ("tickettype", "id"),
}
"""Ticket fields whose criteria hold a lookup's id, and where to find its name."""

_VALUE_FIELDS = ("value_string", "value_int", "value_float", "value_datetime")


class Directory:
    """A read view of the store for resolving references."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._indexes: dict[tuple[str, str], dict[object, Doc]] = {}
        self._memos: dict[str, object] = {}

    def find(self, kind: str, key: str, value: object) -> Doc | None:
        """The record of ``kind`` whose field ``key`` equals ``value`` (the first, by
        id). ``workflowstep`` finds steps, which live inside their workflows."""
        index = self._indexes.get((kind, key))
        if index is None:
            index = {_norm(doc.get(key)): doc for doc in reversed(self.rows(kind))}
            self._indexes[(kind, key)] = index
        return index.get(_norm(value))

    def memo(self, name: str, compute: Callable[[], T]) -> T:
        """A value derived from the whole store, computed once per directory."""
        if name not in self._memos:
            self._memos[name] = compute()
        return self._memos[name]  # type: ignore[return-value]

    def forget(self, kind: str) -> None:
        """Drop what was read of ``kind`` (and everything derived), after a write to it."""
        stale = {kind, "workflowstep"} if kind == "workflow" else {kind}
        for key in [key for key in self._indexes if key[0] in stale]:
            del self._indexes[key]
        self._memos.clear()

    def rows(self, kind: str) -> list[Doc]:
        """Every record of a kind; for ``workflowstep``, every step of every workflow."""
        if kind == "workflowstep":
            return [step for flow in self.store.all("workflow") for step in flow.get("steps") or []]
        return self.store.all(kind)

    def value_display(self, criterion: Doc) -> str | None:
        """What Halo shows for a criterion's value: the looked-up name for a lookup
        field (a priority's name for ``priority_id``), else the value itself."""
        lookup = _CRITERIA_LOOKUPS.get(str(criterion.get("fieldname") or "").lower())
        if lookup is not None and criterion.get("value_int") is not None:
            target = self.find(*lookup, criterion["value_int"])
            if target is not None:
                return str(target.get("name"))
        for field in _VALUE_FIELDS:
            value: Any = criterion.get(field)
            if value is not None:
                return str(value)
        return None


def _norm(value: object) -> object:
    return value.casefold() if isinstance(value, str) else value
