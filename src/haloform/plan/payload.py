"""The exact body an update POSTs: the file's payload plus the ids Halo gave its parts.

Halo updates a record when its POST carries the record's ``id``; what it does with a
child (a step, a stage, an action) that comes without its own id is not documented,
and a tool that guessed "replace" could leave a tenant with duplicated steps. So an
update carries every child id the live record has for the children it keeps, matched
by the same keys the diff uses (a step by ``step_id``, a stage by ``sequence``...).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from haloform.common.canonical import canonical_json
from haloform.common.ids import known_id
from haloform.kinds import KindSpec

CHILD_IDS = ("id", "fdid")
"""Where Halo puts a child's own database key (``fdid`` for steps, ``id`` elsewhere)."""


def update_payload(
    spec: KindSpec, payload: Mapping[str, Any], live: Mapping[str, Any]
) -> dict[str, Any]:
    """``payload`` as an update of ``live``: its id, and its kept children's ids."""
    body = dict(payload)
    body["id"] = known_id(live)
    _carry(spec, body, live, "")
    return body


def _carry(spec: KindSpec, body: dict[str, Any], live: Mapping[str, Any], prefix: str) -> None:
    for name, value in list(body.items()):
        pattern = f"{prefix}{name}"
        keys = spec.keyed_lists.get(pattern)
        live_items = live.get(name)
        if keys is None or not isinstance(value, list) or not isinstance(live_items, list):
            continue
        by_key = {_key(item, keys): item for item in live_items if isinstance(item, Mapping)}
        body[name] = [_with_ids(spec, item, by_key, keys, pattern) for item in value]


def _with_ids(
    spec: KindSpec,
    item: Any,
    by_key: Mapping[tuple[Any, ...], Mapping[str, Any]],
    keys: tuple[str, ...],
    pattern: str,
) -> Any:
    match = by_key.get(_key(item, keys)) if isinstance(item, Mapping) else None
    if match is None:
        return item
    child = dict(item)
    child.update({k: match[k] for k in CHILD_IDS if k in match and k not in child})
    _carry(spec, child, match, f"{pattern}[].")
    return child


def _key(item: Mapping[str, Any], keys: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(_hashable(item.get(k)) for k in keys)


def _hashable(value: Any) -> Any:
    """A key part as a dict key: a tenant may send an object or a list where Halo sends
    a number (``end_step: {...}``); it then matches nothing instead of crashing."""
    if isinstance(value, Mapping | list):
        return canonical_json(value)
    return value
