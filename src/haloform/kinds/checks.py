"""The small declarative pieces a KindSpec holds besides its model: its own integrity
check (and what that check finds) and the child lists that can stand in for details."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from haloform.kinds.base import Resource


@dataclass(frozen=True)
class Finding:
    """A problem a kind's own check found in one resource, by field path."""

    path: tuple[str | int, ...]
    message: str
    code: str | None = None
    """A warning's code (``diagnostics.WARNING_CODES``); None: an error."""


Check = Callable[["Resource"], Iterable[Finding]]
"""A kind's integrity check beyond field types (a workflow's start step, ...)."""


def no_check(resource: Resource) -> Iterable[Finding]:
    return ()


@dataclass(frozen=True)
class ChildList:
    """A list endpoint answering one detail-only field of every record at once: one
    ``GET /workflowstep`` carries every step of every workflow, each with its
    ``flow_id``, where ``GET /Workflow/{id}`` would cost a request per workflow."""

    fills: str
    """The record's field the rows make up (``steps``)."""
    path: str
    parent_field: str
    """Where a row names its record's id (``flow_id``)."""
    params: Mapping[str, bool] = field(default_factory=dict)
    may_lack: frozenset[str] = frozenset()
    """Fields of a row a tenant may leave out of this list (not confirmed there): if
    the files set one and no row carries it, the records are read in detail instead."""
