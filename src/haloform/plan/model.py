"""The Plan: a frozen, serialisable value that renderers and the applier consume.

A plan says what would change in one tenant and carries everything the applier needs
to do exactly that later (``plan --out`` then ``apply FILE``): each change's payload,
the live record id it touches, and a fingerprint of the live state it was computed
from, so a stale plan is refused rather than applied over someone's edit.

Payloads hold tenant ids for lookups (agents, statuses...), which exist before the
apply, but managed resources are held symbolically (``{"$managed": "Workflow/<guid>"}``)
because a workflow created by this very plan has no id until it is created.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from pydantic import Field, computed_field, field_validator

from haloform.common.canonical import digest
from haloform.common.frozen import FrozenObject, FrozenValue
from haloform.diagnostics import Diagnostic, Location, Severity
from haloform.diff.fields import FieldChange
from haloform.errors import PlanError
from haloform.kinds import KindSpec, by_kind

PLAN_FORMAT = 3
"""Bumped when a saved plan's shape changes incompatibly."""


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


ACTION_ORDER = {Action.CREATE: 0, Action.UPDATE: 1, Action.DELETE: 2}


class Neighbour(FrozenValue):
    """A rule next to a created or changed one in the order Halo tries them: what a
    reviewer needs to judge whether the change takes effect (an earlier rule that
    stops matching can shadow it)."""

    name: str
    precedence: int
    before: bool
    """Tried before the changed rule (a lower precedence number); False: after."""
    stopmatching: bool = False
    managed: bool = True
    """False: a live rule no file describes (this plan leaves it alone)."""
    tie: bool = False
    """Same precedence as the changed rule: which of the two Halo tries first is not
    known (docs/halo-api.md), so a reviewer should not rely on it."""


class Change(FrozenValue):
    """One resource to create, update or delete."""

    action: Action
    kind: str
    guid: str
    name: str
    source: str | None = None
    """``file:line`` of the document (None for a prune of an unmanaged resource)."""
    live_id: int | None = None
    """The tenant's id of the record an update or delete touches."""
    fingerprint: str | None = None
    """Digest of the live record as read when planning; None for creates."""
    fields: tuple[FieldChange, ...] = ()
    payload: FrozenObject | None = None
    """The exact body to POST (without secrets and with managed refs symbolic). A
    delete has none, unless it is in a reference cycle with other deletes: then it is
    the update POSTed before any delete that drops its references to them, and
    ``fields`` lists what it drops."""
    depends_on: tuple[str, ...] = ()
    """Keys (``Workflow/<guid>``) this change's resource refers to: applied first, or
    for a delete (whose edges come from the live record) deleted after it."""
    deferred: FrozenObject | None = None
    """For a reference cycle: the fields held back from the create and sent in a
    second, update pass once every resource of the cycle exists."""
    desired: FrozenObject | None = None
    """For an update: the whole resource as the file says it, in portable terms (names,
    not tenant ids), so a renderer can show a changed workflow whole, not only the
    fields that differ. A create's ``fields`` already hold all of it."""
    neighbours: tuple[Neighbour, ...] = ()
    """For a created or updated resource of an ordered kind (one with a precedence):
    the rules tried just before and just after it."""

    @property
    def key(self) -> str:
        return resource_key(self.kind, self.guid)

    @property
    def spec(self) -> KindSpec:
        return spec_of(self.kind)

    def sort_key(self) -> tuple[int, str, str, str]:
        return (ACTION_ORDER[self.action], self.kind, self.name.casefold(), self.guid)


class PlanWarning(FrozenValue):
    """A warning the plan carries: located and coded where it came from a file (the
    repo's own warnings, an unresolvable reference), a sentence otherwise."""

    message: str
    code: str | None = None
    file: str | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None
    """The field's path inside the resource, e.g. ``steps[0].actions[1].end_step``."""

    @classmethod
    def of(cls, found: Diagnostic | str) -> PlanWarning:
        if isinstance(found, str):
            return cls(message=found)
        where = found.location
        return cls(
            message=found.message,
            code=found.code,
            file=where.file if where else None,
            line=where.line if where else None,
            column=where.column if where else None,
            field=found.field,
        )

    def __str__(self) -> str:
        """One line, as ``validate`` prints its warnings; a sentence as it is."""
        if self.file is None and self.code is None and self.field is None:
            return self.message
        where = Location(self.file, self.line, self.column) if self.file else None
        return str(Diagnostic(self.message, where, self.field, Severity.WARNING, self.code))


class Referenced(FrozenValue):
    """A managed resource the changes refer to that the plan leaves as it is: its id,
    as read when planning, so the applier need not list the tenant again for it."""

    kind: str
    guid: str
    name: str
    live_id: int


class Unmanaged(FrozenValue):
    """A live resource no file describes; reported, never touched."""

    kind: str
    guid: str | None
    name: str
    live_id: int | None = None


class Plan(FrozenValue):
    """What would change in one tenant, in a stable order."""

    format: int = PLAN_FORMAT
    environment: str
    tenant: str
    """Where it was planned (a URL or ``embedded:<env>``), so it is applied there only."""
    changes: tuple[Change, ...] = ()
    unchanged: int = 0
    unmanaged: tuple[Unmanaged, ...] = ()
    referenced: tuple[Referenced, ...] = ()
    """Unchanged managed resources the changes' payloads refer to, with their ids
    (part of the digest: an apply of a saved plan first checks they still exist)."""
    warnings: tuple[PlanWarning, ...] = ()
    targets: tuple[str, ...] = Field(default=())
    """``--target`` filters the plan was made with (empty: everything)."""
    repo: str | None = None
    """The config repo's directory when planned (absolute), so that ``apply PLAN`` finds
    its ``haloform.yaml`` wherever the plan file was moved to. Only a hint, so outside
    the digest: the same plan made in two checkouts is the same plan."""

    @field_validator("warnings", mode="before")
    @classmethod
    def _structured(cls, found: Any) -> Any:
        """The planner's warnings as found: diagnostics (located) and sentences."""
        if not isinstance(found, list | tuple):
            return found
        return tuple(
            PlanWarning.of(item) if isinstance(item, Diagnostic | str) else item for item in found
        )

    @computed_field  # type: ignore[prop-decorator]
    @property
    def digest(self) -> str:
        """A content hash: two plans with the same digest do the same thing."""
        return digest(self.model_dump(mode="json", exclude={"digest", "repo"}))

    def counts(self) -> dict[Action, int]:
        return {action: sum(1 for c in self.changes if c.action is action) for action in Action}

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str, source: str = "the plan file") -> Plan:
        """A saved plan, refused when it is not one, is from another format, or was
        edited after it was made (its digest no longer matches its content)."""
        try:
            data = json.loads(text)
            claimed = data.pop("digest", None) if isinstance(data, dict) else None
            plan = cls.model_validate(data)
        except ValueError as error:  # JSON and pydantic errors alike
            raise PlanError(f"{source} is not a haloform plan: {_first_line(error)}") from None
        if plan.format != PLAN_FORMAT:
            raise PlanError(
                f"{source} has plan format {plan.format}; this haloform "
                f"reads format {PLAN_FORMAT}: plan again"
            )
        if claimed != plan.digest:
            raise PlanError(f"{source} was changed after it was made (digest mismatch): plan again")
        return plan


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def spec_of(kind: str) -> KindSpec:
    """The spec of a kind a plan changes; a plan made by another haloform may name
    one this haloform does not manage."""
    spec = by_kind(kind)
    if spec is None:
        raise PlanError(f"the plan changes {kind} resources, which this haloform does not manage")
    return spec


def resource_key(kind: str, guid: str) -> str:
    return f"{kind}/{guid}"
