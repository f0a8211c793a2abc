"""The managed kinds, listed once.

Everything else (loader, planner, exporter, applier) reaches a kind through this
registry and its ``KindSpec``; nothing outside ``kinds/`` names a kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from haloform.kinds.base import ChildList, KindSpec, Resolver, Resource
from haloform.kinds.event_rule import EVENT_RULE
from haloform.kinds.refs import iter_refs
from haloform.kinds.ticket_rule import TICKET_RULE
from haloform.kinds.workflow import WORKFLOW

KINDS: tuple[KindSpec, ...] = (WORKFLOW, TICKET_RULE, EVENT_RULE)
"""Every managed kind, referable kinds first."""

_BY_KIND = {spec.kind: spec for spec in KINDS}
_BY_REF_KEY = {spec.ref_key: spec for spec in KINDS if spec.ref_key}


def by_kind(kind: str) -> KindSpec | None:
    """The spec for a document's ``kind:``, or None for a kind haloform does not manage."""
    return _BY_KIND.get(kind)


def by_ref_key(word: str) -> KindSpec | None:
    """The managed kind a reference word points at; None for tenant lookups."""
    return _BY_REF_KEY.get(word)


@dataclass(frozen=True, order=True)
class Dependency:
    """A managed resource another one refers to: by guid, or by name until the
    planner matches the name to a guid among the desired resources."""

    kind: str
    guid: str | None = None
    name: str | None = None


def dependencies(resource: Resource) -> frozenset[Dependency]:
    """What must exist before ``resource`` can be applied (itself excepted: a workflow
    whose step switches to the same workflow needs nothing first)."""
    found = set()
    for _, ref in iter_refs(resource):
        spec = by_ref_key(ref.target)
        if spec is None:
            continue
        dependency = Dependency(spec.kind, ref.guid, ref.name)
        if not _is_itself(resource, dependency):
            found.add(dependency)
    return frozenset(found)


def _is_itself(resource: Resource, dependency: Dependency) -> bool:
    if dependency.kind != resource.kind:
        return False
    if dependency.guid is not None:
        return dependency.guid == resource.guid
    return (dependency.name or "").casefold() == resource.name.casefold()


__all__ = [
    "KINDS",
    "ChildList",
    "Dependency",
    "KindSpec",
    "Resolver",
    "Resource",
    "by_kind",
    "by_ref_key",
    "dependencies",
]
