"""The exact body a change POSTs: the file's payload in the tenant's ids, and for an
update, plus the ids Halo gave its parts.

Every update carries the record's identity and required fields (``IDENTITY``: its
``id``, ``guid`` and ``name``) whatever else it holds: whether Halo requires ``name`` on
an update is not documented, and a second pass or a detaching update that sent only
the fields it sets would be refused by a tenant that does.

Halo updates a record when its POST carries the record's ``id``; what it does with a
child (a step, a stage, an action) that comes without its own id is not documented,
and a tool that guessed "replace" could leave a tenant with duplicated steps. So an
update carries every child id the live record has for the children it keeps, matched
by the same keys the diff uses (a step by ``step_id``, a stage by ``sequence``...).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from haloform.common.canonical import canonical_json
from haloform.common.ids import known_id
from haloform.diff.fields import FieldChange
from haloform.kinds import KindSpec
from haloform.load.repo import Declared
from haloform.resolve.edges import live_refs
from haloform.resolve.index import TenantIndex
from haloform.resolve.portable import managed_portable
from haloform.resolve.references import Resolved, with_tenant_ids, with_tenant_names

IDENTITY = ("guid", "name")
"""What every update carries besides the ``id``, taken from the live record when the
body does not set it."""

CHILD_IDS = ("id", "fdid")
"""Where Halo puts a child's own database key (``fdid`` for steps, ``id`` elsewhere)."""


def desired_payload(
    item: Declared, resolved: Resolved, index: TenantIndex, unpaired: dict[str, list[str]]
) -> dict[str, Any]:
    """What a file asks Halo to hold, in this tenant's ids and spellings; what the
    tenant could not put in its terms (an integration method none of its rows pairs
    with an id) is added to ``unpaired``, by guid, with who uses it."""
    payload = item.spec.payload(item.resource, resolved.__getitem__)
    with_tenant_names(item.spec, payload, index)
    for missing in with_tenant_ids(item.spec, payload, index):
        users = unpaired.setdefault(missing, [])
        if item.name not in users:
            users.append(item.name)
    return payload


def unpaired_warnings(unpaired: Mapping[str, list[str]], tenant: str) -> list[str]:
    """One warning per guid sent alone, naming what uses it."""
    return [
        f"{guid}: no row of {tenant} pairs it with an id, so it is sent by the guid alone "
        f"(used by {', '.join(repr(name) for name in users)}): check it in Halo"
        for guid, users in sorted(unpaired.items())
    ]


def update_payload(
    spec: KindSpec, payload: Mapping[str, Any], live: Mapping[str, Any]
) -> dict[str, Any]:
    """``payload`` as an update of ``live``: its id and identity, and its kept
    children's ids."""
    body = dict(payload)
    body["id"] = known_id(live)
    body.update({k: live[k] for k in IDENTITY if k not in body and live.get(k) is not None})
    _carry(spec, body, live, "")
    return body


def detach_payload(
    spec: KindSpec, live: Mapping[str, Any], keys: frozenset[str], index: TenantIndex
) -> tuple[dict[str, Any], tuple[FieldChange, ...]]:
    """The update that drops ``live``'s references to ``keys`` (set to 0, Halo's "not
    set") and holds back nothing else: each top-level field holding one goes whole, as
    the tenant has it (server-owned names left out), with only the referencing field
    changed. Also the field changes it makes, in the file's terms, for the plan."""
    record = copy.deepcopy(dict(live))
    dropped = [ref for ref in live_refs(spec, record, index) if ref.key in keys]
    fields = []
    for ref in dropped:
        kind, _, guid = ref.key.partition("/")
        before = managed_portable(kind, guid, index)
        fields.append(FieldChange(path=ref.path, before=before, after=None))
        ref.holder[ref.field] = 0
    tops = sorted({ref.path.split(".")[0].partition("[")[0] for ref in dropped})
    body = {name: _writable(spec, record[name], name) for name in tops}
    return update_payload(spec, body, live), tuple(sorted(fields, key=lambda f: f.path))


def _writable(spec: KindSpec, value: Any, pattern: str) -> Any:
    """``value`` without the names Halo fills in itself (companions, child links)."""
    if isinstance(value, list):
        return [_writable(spec, item, f"{pattern}[]") for item in value]
    if not isinstance(value, Mapping):
        return value
    owned = spec.server_owned.get(pattern, frozenset()) - set(CHILD_IDS)
    return {
        name: _writable(spec, item, f"{pattern}.{name}")
        for name, item in value.items()
        if name not in owned
    }


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
