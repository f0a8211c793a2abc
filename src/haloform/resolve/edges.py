"""Dependency edges: which managed resource refers to which, in one place.

The same relation is read from three sides, and each reader lives here:

- desired: a file's resource model (``new_workflow_id: {workflow: Incident}``), what
  must exist before it is created or updated (``desired_edges``, ``dependencies``);
- symbolic: a plan's payload, where a managed reference is ``{"$managed": key}``
  (``payload_edges``), what the applier must know an id for before it sends;
- live: a tenant's record, where a reference is the tenant's id (``live_refs``,
  ``live_edges``), what must be deleted before it can be: Halo refuses to delete a
  workflow that a rule or another workflow's step still uses.

A key is ``Kind/<guid>`` with the guid in its canonical spelling (``edge_key``), so
edges found on different sides match. A resource referring to itself is no edge.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from haloform.common.ids import canonical_guid, record_id
from haloform.common.paths import keyed_segment
from haloform.kinds import KindSpec, Resource, by_ref_key
from haloform.kinds.base import KeyedBy
from haloform.kinds.ref_fields import RefField, iter_refs
from haloform.load.repo import Repo
from haloform.resolve.index import TenantIndex, parse_managed_ref


def edge_key(kind: str, guid: object) -> str:
    """``Workflow/<guid>``, the guid canonical: the one spelling edges are matched in."""
    return f"{kind}/{canonical_guid(guid)}"


@dataclass(frozen=True, order=True)
class Dependency:
    """A managed resource another one refers to: by guid, or by name until the
    planner matches the name to a guid among the desired resources."""

    kind: str
    guid: str | None = None
    name: str | None = None


def dependencies(resource: Resource) -> frozenset[Dependency]:
    """What must exist before ``resource`` can be applied, as its file names it."""
    found = set()
    for _, ref in iter_refs(resource):
        spec = by_ref_key(ref.target)
        if spec is None:
            continue
        dependency = Dependency(spec.kind, ref.guid, ref.name)
        if not _is_itself(resource, dependency):
            found.add(dependency)
    return frozenset(found)


def desired_edges(repo: Repo, resource: Resource) -> tuple[str, ...]:
    """The keys ``resource`` depends on, names matched to guids among the repo's
    resources (a name the repo does not declare is no edge: it exists already)."""
    keys = set()
    for dependency in dependencies(resource):
        guid = dependency.guid or repo.guid_by_name(dependency.kind, dependency.name or "")
        if guid is not None:
            keys.add(edge_key(dependency.kind, guid))
    return tuple(sorted(keys))


def _is_itself(resource: Resource, dependency: Dependency) -> bool:
    if dependency.kind != resource.kind:
        return False
    if dependency.guid is not None:
        return canonical_guid(dependency.guid) == canonical_guid(resource.guid)
    return (dependency.name or "").casefold() == resource.name.casefold()


def payload_ref(value: Any) -> str | None:
    """The key ``value`` refers to when it is itself a symbolic reference."""
    ref = parse_managed_ref(value)
    return None if ref is None else edge_key(*ref)


def payload_edges(value: Any) -> Iterator[str]:
    """The key of every symbolic reference anywhere in a payload (or part of one)."""
    key = payload_ref(value)
    if key is not None:
        yield key
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from payload_edges(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from payload_edges(item)


def without_refs(value: Any, keys: frozenset[str]) -> Any:
    """A copy of ``value`` without the fields that are symbolic references to ``keys``
    (a step keeps everything but its ``new_flow_id``)."""
    canonical = {edge_key(*key.split("/", 1)) for key in keys}
    return _without(value, canonical)


def _without(value: Any, keys: set[str]) -> Any:
    if isinstance(value, list):
        return [_without(item, keys) for item in value]
    if isinstance(value, dict):
        return {
            name: _without(item, keys)
            for name, item in value.items()
            if payload_ref(item) not in keys
        }
    return value


@dataclass(frozen=True)
class LiveRef:
    """One reference to a managed resource inside a live record, where it sits."""

    holder: dict[str, Any]
    """The object holding the field (the record itself, or a step of it)."""
    field: str
    path: str
    """Where, as a reader knows it: ``steps[2].new_flow_id`` (a step by its step_id)."""
    key: str
    """What it refers to: ``Workflow/<guid>``."""


def live_refs(spec: KindSpec, record: dict[str, Any], index: TenantIndex) -> Iterator[LiveRef]:
    """Every reference in ``record`` (Halo's terms) to a managed resource the tenant
    holds, itself excepted. Holders are ``record``'s own objects, so a caller may edit
    a copy through them."""
    own = edge_key(spec.kind, record.get("guid"))
    for ref, kind in _managed_fields(spec):
        for holder, path in _holders(spec, record, ref.path.split("."), ""):
            value = holder.get(ref.path.rpartition(".")[2])
            live_id = record_id(value) if isinstance(value, Mapping) else record_id({"id": value})
            guid = index.managed_guid(kind, live_id) if live_id else None
            key = edge_key(kind, guid) if guid else None
            if key is not None and key != own:
                field = ref.path.rpartition(".")[2]
                yield LiveRef(holder, field, f"{path}{field}", key)


def live_edges(spec: KindSpec, record: dict[str, Any], index: TenantIndex) -> tuple[str, ...]:
    """The keys a live record refers to: what has to go after it when both are deleted."""
    return tuple(sorted({ref.key for ref in live_refs(spec, record, index)}))


def reference_fields(spec: KindSpec) -> frozenset[str]:
    """Top-level fields that can hold a reference to a managed resource (``steps``)."""
    return frozenset(ref.path.split(".")[0].removesuffix("[]") for ref, _ in _managed_fields(spec))


@functools.cache
def _managed_fields(spec: KindSpec) -> tuple[tuple[RefField, str], ...]:
    """The spec's reference fields that point at one managed kind and nothing else
    (an id in a field open to lookups too could be anything), with that kind."""
    fields = []
    for ref in spec.references:
        kinds = [target.kind if target else None for target in map(by_ref_key, ref.targets)]
        if None not in kinds and len(set(kinds)) == 1 and not ref.stores_name:
            fields.append((ref, str(kinds[0])))
    return tuple(fields)


def _holders(
    spec: KindSpec, value: Any, parts: list[str], path: str, pattern: str = ""
) -> Iterator[tuple[dict[str, Any], str]]:
    """The objects that hold the last part of a pattern (``steps[].new_flow_id``), each
    with the path to it; ``pattern`` is the part of the pattern walked so far."""
    if not isinstance(value, dict):
        return
    if len(parts) == 1:
        yield value, path
        return
    name = parts[0].removesuffix("[]")
    child = value.get(name)
    inner = f"{pattern}.{name}" if pattern else name
    if not parts[0].endswith("[]"):
        yield from _holders(spec, child, parts[1:], f"{path}{name}.", inner)
        return
    marker = spec.keyed_markers.get(inner)
    items = child if isinstance(child, list) else []
    for position, item in enumerate(items):
        label = _label(item, marker, items, position)
        yield from _holders(spec, item, parts[1:], f"{path}{name}[{label}].", f"{inner}[]")


def _label(item: Any, marker: KeyedBy | None, items: list[Any], position: int) -> str:
    """The item as a diff path names it (``"To Pong"``), so the plan shows one syntax."""
    keys = marker.fields if marker is not None else ()
    if not isinstance(item, Mapping) or not keys or any(item.get(k) is None for k in keys):
        return str(position)
    key = "->".join(str(item[k]) for k in keys)
    own = _own_label(marker, item)
    if own is None:
        return keyed_segment(None, key)
    shared = sum(1 for other in items if _own_label(marker, other) == own) > 1
    return keyed_segment(own, key, shared=shared)


def _own_label(marker: KeyedBy | None, item: Any) -> str | None:
    value = (
        item.get(marker.label) if marker and marker.label and isinstance(item, Mapping) else None
    )
    return str(value) if value not in (None, "") else None
