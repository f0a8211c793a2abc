"""What haloform keeps without understanding it: fields Halo answers that no model
declares, and the rows of lists it passes through.

Halo keeps adding fields (FACTS: "unknown fields coming back from a tenant must be
kept"), and a field dropped on export is lost on the next promotion. So one rule holds
for every object a model reads:

- **Unknown fields are kept, apart.** A live row's field that its model neither
  declares nor marks server-owned is kept as read, under the object's ``unmodelled``
  map, and sent back as read, merged into the object Halo is sent. Apart, so that a
  typo written by hand is still an error, while what came from a tenant is never lost
  and shows in a plan like any other field (``steps["Triage"].unmodelled.x``). Only
  set values are kept: ``0``, ``false`` and empties are how Halo zero-fills every
  field, known or not.
- **Rows keep no tenant row ids.** Rows nested in a passed-through list
  (``runbook_variable_mappings``, ``input_values``, ``access_control``...) come with
  the ids of their own database rows and links to the row that holds them (``id``,
  ``guid``, ``step_id``, ``rule_id``...). By "a POST with an id updates that row", sent
  to another tenant they would overwrite unrelated rows there. They are dropped, at
  every depth, wherever a row says more than its id; a row that is nothing but an id
  is a reference, kept and reported (``tenant_ids``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated, Any

from pydantic import WithJsonSchema

from haloform.common.ids import is_tenant_id

UNMODELLED = "unmodelled"
"""The name of every object's map of kept unknown fields."""

Unmodelled = Annotated[
    dict[str, Any],
    WithJsonSchema(
        {
            "type": "object",
            "description": "Fields Halo answered that haloform does not model: kept as "
            "read and sent back as read (export writes them; write none by hand)",
        }
    ),
]

ROW_IDS = frozenset(
    {"id", "guid", "fdid", "flow_id", "step_id", "step_seq", "step_name", "rule_id"}
    | {"chatprofile_id", "flowdetail_id", "eventrule_id", "autoassign_guid"}
)
"""Keys of a nested row that are its own database identity or its link to the row
holding it (a mapping's ``step_id`` is its step's ``fdid``, ``step_seq`` and
``step_name`` repeat the step it sits in): the same in no two tenants, implied by where
the row sits in a file."""


def is_set(value: object) -> bool:
    """Whether Halo means something by ``value``: not None, ``0``, ``false`` or empty."""
    if value is None or value is False:
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value != 0
    return not (isinstance(value, str | list | Mapping) and not value)


def unknown_fields(
    record: Mapping[str, Any], declared: Mapping[str, Any], owned: frozenset[str]
) -> dict[str, Any]:
    """The set fields of ``record`` that are neither ``declared`` nor ``owned`` by the
    server, by name (sorted, so a file is byte-stable), rows stripped of their ids."""
    found = [
        key
        for key in record
        if key not in declared and key not in owned and key != UNMODELLED and is_set(record[key])
    ]
    # sorted only when found: every record of every plan passes here, few hold any
    return {key: portable_rows(record[key]) for key in sorted(found)}


def portable_rows(value: Any) -> Any:
    """``value`` with every nested row's own ids dropped (see the module docstring), and
    what Halo leaves empty left out (an id of 0 too: never a record), so it reads the
    same whichever tenant answered it. Other zeros and ``false`` stay: in a row haloform
    does not model, nothing says they mean "not set"."""
    if isinstance(value, list):
        return [portable_rows(item) for item in value]
    if not isinstance(value, Mapping):
        return value
    kept = {
        str(key): portable_rows(item)
        for key, item in value.items()
        if is_set(item) or (isinstance(item, int | float) and not _is_id_key(str(key)))
    }
    if any(key not in ROW_IDS for key in kept):
        kept = {key: item for key, item in kept.items() if key not in ROW_IDS}
    return kept


Spot = tuple[str | int, ...]


def tenant_ids(value: Any, at: Spot = ()) -> Iterator[tuple[Spot, int]]:
    """Where rows still hold a tenant's own id after ``portable_rows``: an ``id`` or
    ``*_id`` number no lookup names (a role, an integration method). Another tenant
    would read it as another record."""
    if isinstance(value, list):
        for position, item in enumerate(value):
            yield from tenant_ids(item, (*at, position))
        return
    if not isinstance(value, Mapping):
        return
    for key, item in value.items():
        if isinstance(item, list | Mapping):
            yield from tenant_ids(item, (*at, key))
        elif _is_id_key(str(key)) and is_tenant_id(item):
            yield (*at, key), item


def _is_id_key(key: str) -> bool:
    return key == "id" or key.endswith("_id")
