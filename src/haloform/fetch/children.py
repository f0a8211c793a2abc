"""Detail-only fields that one list answers for every record at once.

``GET /workflowstep`` returns every step of every workflow with its ``flow_id`` and
its actions (docs/halo-api.md), so a plan that manages steps, and nothing else only the
workflow's detail carries, reads one list instead of ``GET /Workflow/{id}`` per
workflow: 50 requests become one. A stand-in whose rows leave out a field the files
set (``actions``) cannot answer for it; those records are read in detail instead.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Collection, Mapping
from typing import Any, Protocol

from haloform.common.ids import record_id
from haloform.kinds import ChildList, KindSpec
from haloform.snapshot.state import Record

Children = Mapping[str, list[Record]]
"""A kind's child lists, by the field they make up: ``steps`` -> every step row."""


class Lister(Protocol):
    async def list(self, path: str, params: Mapping[str, Any] | None = None) -> list[Record]: ...


def answerable(spec: KindSpec, lacking: Collection[str]) -> bool:
    """Whether the child lists could answer every one of ``lacking`` (never empty)."""
    return bool(lacking) and set(lacking) <= {child.fills for child in spec.child_lists}


async def read_children(client: Lister, spec: KindSpec) -> Children:
    """Each child list of ``spec``, once, concurrently."""
    answers = await asyncio.gather(
        *(client.list(child.path, dict(child.params) or None) for child in spec.child_lists)
    )
    return {child.fills: rows for child, rows in zip(spec.child_lists, answers, strict=True)}


def left_out(
    spec: KindSpec, children: Children, grouped: Grouped, row: Record, wanted: Collection[str]
) -> list[str]:
    """Why the lists cannot stand in for ``row``'s detail: no row of a list belongs to
    it (a workflow has at least a start step: the list is not answering for it), or a
    ``field.sub`` the consumer wants is one no row carries, among those a tenant may
    leave out (``ChildList.may_lack``)."""
    gaps = []
    for child in spec.child_lists:
        if child.fills in wanted and not grouped[child.fills].get(record_id(row) or -1):
            gaps.append(f"{child.path} has no rows for it")
        carried = {key for row in children.get(child.fills, []) for key in row}
        for sub in sorted(child.may_lack - carried):
            if f"{child.fills}.{sub}" in wanted:
                gaps.append(f"{child.path} rows carry no {sub}")
    return gaps


Grouped = Mapping[str, Mapping[int, list[Record]]]
"""Child rows by field, then by their record's id."""


def group(spec: KindSpec, children: Children) -> Grouped:
    """Each child list's rows by the id of the record they belong to, once per read."""
    return {child.fills: _by_parent(child, children) for child in spec.child_lists}


def assemble(row: Record, grouped: Grouped) -> Record:
    """``row`` with each child-list field filled from the rows naming it as parent."""
    own = record_id(row)
    return {**row, **{name: list(rows.get(own or -1, [])) for name, rows in grouped.items()}}


def _by_parent(child: ChildList, children: Children) -> dict[int, list[Record]]:
    grouped: dict[int, list[Record]] = defaultdict(list)
    for item in children.get(child.fills, []):
        parent = record_id({"id": item.get(child.parent_field)})
        if parent is not None:
            grouped[parent].append({k: v for k, v in item.items() if k != child.parent_field})
    return grouped
