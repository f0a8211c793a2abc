"""The managed kinds, listed once.

Everything else (loader, planner, exporter, applier) reaches a kind through this
registry and its ``KindSpec``; nothing outside ``kinds/`` names a kind.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from haloform.kinds.base import Resolver, Resource
from haloform.kinds.checks import ChildList
from haloform.kinds.event_rule import EVENT_RULE
from haloform.kinds.spec import KindSpec
from haloform.kinds.ticket_rule import TICKET_RULE
from haloform.kinds.workflow import WORKFLOW

KINDS: tuple[KindSpec, ...] = (WORKFLOW, TICKET_RULE, EVENT_RULE)
"""Every managed kind, referable kinds first."""

if TYPE_CHECKING:
    KindName = str
else:
    KindName = Literal[tuple(spec.kind for spec in KINDS)]
"""A managed kind's name where a file writes one (haloform.yaml's ``kinds``): checked,
and listed in the JSON Schemas, against the registry. Type checkers see a ``str``."""

_BY_KIND = {spec.kind: spec for spec in KINDS}
_BY_REF_KEY = {spec.ref_key: spec for spec in KINDS if spec.ref_key}


def by_kind(kind: str) -> KindSpec | None:
    """The spec for a document's ``kind:``, or None for a kind haloform does not manage."""
    return _BY_KIND.get(kind)


def by_ref_key(word: str) -> KindSpec | None:
    """The managed kind a reference word points at; None for tenant lookups."""
    return _BY_REF_KEY.get(word)


__all__ = [
    "KINDS",
    "ChildList",
    "KindName",
    "KindSpec",
    "Resolver",
    "Resource",
    "by_kind",
    "by_ref_key",
]
