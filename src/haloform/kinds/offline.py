"""Offline document kinds: rule and workflow tests that live in the repo beside the
resources they exercise, loaded and checked like them, and never sent to Halo.

They are kept out of ``KINDS`` on purpose: everything that iterates the managed kinds
(plan, apply, export, diff) must never see a test, and a registry of its own is how
that holds without a single ``if kind == ...`` anywhere.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

from haloform.kinds.refs import AnyLookupRef, Name, WorkflowRef

_CONFIG = ConfigDict(extra="forbid", frozen=True, strict=True, use_attribute_docstrings=True)


def _shape(value: Any) -> str:
    if isinstance(value, Mapping):
        return "workflow" if "workflow" in value else "lookup"
    if isinstance(value, list):
        return "list"
    return "scalar"


TicketValue = Annotated[
    Annotated[AnyLookupRef, Tag("lookup")]
    | Annotated[WorkflowRef, Tag("workflow")]
    | Annotated[list[str | int], Tag("list")]
    | Annotated[str | int | float | bool | None, Tag("scalar")],
    Discriminator(_shape),
]
"""A ticket field's value: a lookup by reference (``{priority: P1 Critical}``) or by plain
name, a number, text, a flag, a multi-select list, or null for "no value"."""

Event = Literal["new", "existing"]


class RuleExpectation(BaseModel):
    """What the evaluation of a ticket must give."""

    model_config = _CONFIG

    rules: list[Name] | None = None
    """Exactly these rules match, in this order (names)."""
    sets: dict[str, TicketValue] | None = None
    """Rule fields the matched rules set, with their values (e.g. ``new_team: Network``);
    fields not listed are not checked."""


class RuleTest(BaseModel):
    """A ticket, and which top-level ticket rules it must hit."""

    model_config = _CONFIG

    kind: Literal["RuleTest"] = "RuleTest"
    name: Name
    event: Event = "new"
    """Whether the ticket is being created or is an existing ticket changing."""
    ticket: dict[str, TicketValue]
    """Halo ticket field names (as criteria use them) and their values."""
    expect: RuleExpectation


class WorkflowTest(BaseModel):
    """A walk through a workflow by its action buttons, and where it must end."""

    model_config = _CONFIG

    kind: Literal["WorkflowTest"] = "WorkflowTest"
    name: Name
    workflow: Name | WorkflowRef
    """The workflow walked, by name or as a reference."""
    path: list[Name] = Field(default_factory=list)
    """Outcome (action) names pressed in turn, from the start step."""
    expect_step: Name | int
    """The step the walk must end at, by name or ``step_id``."""


@dataclass(frozen=True)
class OfflineSpec:
    """An offline kind: its ``kind:`` word and the model its documents validate with."""

    kind: str
    model: type[BaseModel]


RULE_TEST = OfflineSpec("RuleTest", RuleTest)
WORKFLOW_TEST = OfflineSpec("WorkflowTest", WorkflowTest)

OFFLINE_KINDS: tuple[OfflineSpec, ...] = (RULE_TEST, WORKFLOW_TEST)
"""Every document kind the loader reads that is never sent to a tenant."""

_BY_KIND: Mapping[str, OfflineSpec] = types.MappingProxyType(
    {spec.kind: spec for spec in OFFLINE_KINDS}
)


def offline_by_kind(kind: str) -> OfflineSpec | None:
    """The offline spec for a document's ``kind:``, or None."""
    return _BY_KIND.get(kind)


class TicketFile(BaseModel):
    """A ticket to simulate (``haloform simulate --ticket``): any Halo ticket field
    names, each with a ``TicketValue``."""

    model_config = ConfigDict(extra="allow", frozen=True, strict=True)
    __pydantic_extra__: dict[str, TicketValue] = Field(init=False)

    def fields(self) -> dict[str, object]:
        return dict(self.__pydantic_extra__ or {})
