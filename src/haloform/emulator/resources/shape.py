"""The shape of a configuration record, declared once per kind: which lists hold
child rows (which get server ids and a link back to their record), which fields
refer to other records (checked on save, companioned with names and guids on read),
and which rows are criteria (which Halo annotates with ``value_display``).

Three walks over that declaration do the work every kind needs: assigning child
ids, checking references, and decorating a stored document for an answer.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from haloform.emulator.directory import Directory
from haloform.emulator.kinds import LABELS
from haloform.emulator.store import Doc, Store


@dataclass(frozen=True)
class Ref:
    """A field holding another record's key (0, "" and null mean none)."""

    field: str
    kind: str
    key: str = "id"
    companions: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """Answer fields filled from the target: companion name -> target field."""


@dataclass(frozen=True)
class Node:
    """What a record, or one of its child rows, holds besides plain fields."""

    refs: tuple[Ref, ...] = ()
    children: tuple[Child, ...] = ()
    criterion: bool = False
    zeros: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    """What a real tenant answers for each field it carries unset (``zero_filled``)."""


@dataclass(frozen=True)
class Child:
    """A list of rows owned by the record, each given an id from ``counter``."""

    field: str
    counter: str
    node: Node = Node()
    link: str | None = None
    """Set on every row to the owning record's id (``flow_id``, ``rule_id``...)."""
    id_field: str = "id"
    match_key: str | None = None
    """A natural key that keeps a row's id across updates when the id is not posted."""


CRITERION = Node(
    criterion=True,
    zeros={
        **dict.fromkeys(("chatprofile_flow_seq", "eventrule_id", "flow_type"), 0),
        **dict.fromkeys(("flowsubdetails_criteria_id", "qualification_criteria_id"), 0),
        **dict.fromkeys(("use", "value_float", "value_type_id"), 0),
        **dict.fromkeys(("match_after_start", "match_after_target"), False),
        **dict.fromkeys(("matchseparatedvalues", "partialmatch"), False),
        **dict.fromkeys(("tablename", "timezonestring"), ""),
    },
)


def assign_ids(node: Node, doc: Doc, old: Doc | None, record_id: int, store: Store) -> None:
    """Give new child rows fresh ids; rows that were there before keep theirs."""
    for child in node.children:
        rows = doc.get(child.field)
        if not isinstance(rows, list):
            continue
        previous = [r for r in (old or {}).get(child.field) or [] if isinstance(r, dict)]
        taken: set[object] = set()
        for row in rows:
            if not isinstance(row, dict):
                continue
            before = _previous(child, row, previous, taken)
            row[child.id_field] = before[child.id_field] if before else store.next_id(child.counter)
            taken.add(row[child.id_field])
            if child.link:
                row[child.link] = record_id
            assign_ids(child.node, row, before, record_id, store)


def _previous(child: Child, row: Doc, previous: list[Doc], taken: set[object]) -> Doc | None:
    """The stored row a posted row stands for: same id, else same natural key."""
    candidates = [r for r in previous if r.get(child.id_field) not in taken]
    posted_id = row.get(child.id_field)
    for before in candidates:
        if posted_id and before.get(child.id_field) == posted_id:
            return before
    key = row.get(child.match_key) if child.match_key else None
    for before in candidates:
        if key is not None and before.get(child.match_key or "") == key:
            return before
    return None


def check_refs(
    node: Node, doc: Doc, directory: Directory, path: str, errors: dict[str, str]
) -> None:
    """Record an error for every reference to something that does not exist."""
    for ref in node.refs:
        value = doc.get(ref.field)
        if _is_set(value) and directory.find(ref.kind, ref.key, value) is None:
            errors[f"{path}.{ref.field}"] = f"{LABELS[ref.kind]} {value!r} does not exist"
    for child, index, row in _rows(node, doc):
        check_refs(child.node, row, directory, f"{path}.{child.field}[{index}]", errors)


def strip_server_fields(node: Node, doc: Doc) -> None:
    """Drop what the server derives (companions, value_display) from a posted doc, so
    a stale copy posted back cannot outlive the thing it describes."""
    for ref in node.refs:
        for companion in ref.companions:
            doc.pop(companion, None)
    if node.criterion:
        doc.pop("value_display", None)
    for child, _, row in _rows(node, doc):
        strip_server_fields(child.node, row)


def decorate(node: Node, doc: Doc, directory: Directory) -> None:
    """Add the companions Halo joins in when it answers (in place)."""
    for ref in node.refs:
        value = doc.get(ref.field)
        target = directory.find(ref.kind, ref.key, value) if _is_set(value) else None
        for companion, source in ref.companions.items():
            if target is not None:
                doc[companion] = target.get(source)
    if node.criterion:
        doc["value_display"] = directory.value_display(doc)
    for child, _, row in _rows(node, doc):
        decorate(child.node, row, directory)


def zero_fill(node: Node, doc: Doc, omit: Collection[str] = ()) -> None:
    """Fill in every unset field as a real tenant answers it (in place), at every
    depth; ``omit``: top-level fields this answer leaves out (the details)."""
    for name, zero in node.zeros.items():
        if name not in omit:
            doc.setdefault(name, copy.deepcopy(zero))
    for child, _, row in _rows(node, doc):
        zero_fill(child.node, row)


def present(value: Any) -> Any:
    """Halo leaves out empty fields: drop nulls and empty lists, at every depth."""
    if isinstance(value, dict):
        return {k: present(v) for k, v in value.items() if v is not None and v != []}
    if isinstance(value, list):
        return [present(v) for v in value]
    return value


def _rows(node: Node, doc: Doc) -> list[tuple[Child, int, Doc]]:
    return [
        (child, index, row)
        for child in node.children
        for index, row in enumerate(doc.get(child.field) or [])
        if isinstance(row, dict)
    ]


def _is_set(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value > 0
    return isinstance(value, str) and value != ""
