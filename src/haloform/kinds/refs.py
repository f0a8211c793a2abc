"""Portable references: how a file names a thing whose numeric id differs per tenant.

A tenant's ids mean nothing in another tenant, so files name what they point at:
``{workflow: Incident Lifecycle}`` or ``{workflow: {guid: ...}}`` for resources the
repo manages, ``{agent: Alice Admin}`` for rows of the tenant's own lookups. A raw
integer is still accepted, so that an existing tenant's config can be migrated, but it
is typed ``TenantId`` so that a walk can report it as not portable.

Which fields hold them is read from the models' annotations (``kinds.ref_fields``).
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Union

from pydantic import (
    AfterValidator,
    Discriminator,
    Field,
    GetCoreSchemaHandler,
    StringConstraints,
    Tag,
    WithJsonSchema,
    create_model,
)
from pydantic_core import PydanticCustomError, core_schema

from haloform.common.ids import parse_guid
from haloform.kinds.frozen import FrozenModel
from haloform.kinds.lookups import LOOKUPS, Lookup


def _canonical_guid(value: str) -> str:
    """One spelling per guid, so that matching by guid never depends on case or braces."""
    parsed = parse_guid(value)
    if parsed is None:
        raise PydanticCustomError(
            "guid", "expected a guid such as 8d6c1f3e-1a2b-4c3d-9e8f-2b7c1e0a4f11"
        )
    if not parsed.int:
        raise PydanticCustomError("guid", "the empty guid means 'none' to Halo; use a real one")
    return str(parsed)


Guid = Annotated[
    str, AfterValidator(_canonical_guid), WithJsonSchema({"type": "string", "format": "uuid"})
]
"""A guid, kept in its canonical lower-case form."""

Name = Annotated[str, StringConstraints(min_length=1, pattern=r"\S")]
"""A display name: what stays the same between tenants."""


@dataclass(frozen=True)
class TenantIdMarker:
    """Marks the ``int`` of a ``SomeRef | TenantId`` union as a tenant's own id."""


RawTenantId = Annotated[
    int,
    TenantIdMarker(),
    WithJsonSchema({"type": "integer", "description": "This tenant's id: works, not portable"}),
]
"""A raw id where a reference belongs: accepted, and reported as not portable."""


@dataclass(frozen=True)
class NameOf:
    """Marks a plain string field holding a lookup row's NAME, as Halo stores it (a
    rule's ``new_team``): nothing to resolve, but the name can still be checked."""

    target: str


class GuidSelector(FrozenModel):
    """Picks a managed resource by guid: survives a rename, unlike a name."""

    guid: Guid


class Ref(FrozenModel):
    """A reference as a file writes it: one key, the word for what it points at.

    Every subclass has a single field named after its ``target`` word, so ``ref.target``,
    ``ref.name`` and ``ref.guid`` read any reference the same way. References are
    frozen values, so the models holding them share equal ones (``share_refs``).
    """

    target: ClassVar[str]

    @property
    def selector(self) -> str | GuidSelector:
        value: str | GuidSelector = getattr(self, self.target)
        return value

    @property
    def name(self) -> str | None:
        selector = self.selector
        return selector if isinstance(selector, str) else None

    @property
    def guid(self) -> str | None:
        selector = self.selector
        return selector.guid if isinstance(selector, GuidSelector) else None

    def __str__(self) -> str:
        shown = self.name if self.name is not None else f"{{guid: {self.guid}}}"
        return f"{{{self.target}: {shown}}}"


class TenantIds(Ref):
    """A tenant's own id that no name carries to another tenant, bound to the
    environments it is known in: ``{tenant_ids: {prod: 5}}``, and an id per
    environment a repo promotes it to. Export writes one wherever it cannot name an id
    (a rule's ``script_id``, a role in ``access_control``); a plan for an environment
    it does not list stops, located, rather than send prod's 5 to another tenant."""

    target: ClassVar[str] = "tenant_ids"
    tenant_ids: dict[Name, Annotated[int, Field(ge=1)]] = Field(min_length=1)

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.tenant_ids.items())))

    def __str__(self) -> str:
        listed = ", ".join(f"{env}: {id}" for env, id in sorted(self.tenant_ids.items()))
        return f"{{tenant_ids: {{{listed}}}}}"

    @classmethod
    def read(cls, value: object) -> TenantIds | None:
        """The bound id a pass-through row holds as ``{tenant_ids: {...}}``, if valid."""
        if not isinstance(value, Mapping) or set(value) != {"tenant_ids"}:
            return None
        try:
            return cls.model_validate(value)
        except ValueError:
            return None


TenantId = RawTenantId | TenantIds
"""Where a reference belongs and a tenant's own id may stand: raw (reported as not
portable) or bound to its environments."""


class WorkflowRef(Ref):
    """A workflow this config repo manages, by name or by guid."""

    target: ClassVar[str] = "workflow"
    workflow: Name | GuidSelector


class LookupRef(Ref):
    """A row of a tenant lookup, by name: names match across tenants, ids do not.

    One subclass per row of the lookup table (``kinds.lookups.LOOKUPS``) is made below
    (``AgentRef``, ...); a model field says which it takes with ``LookupOf``.
    """


def _lookup_model(lookup: Lookup) -> type[LookupRef]:
    fields: dict[str, Any] = {"target": (ClassVar[str], lookup.word), lookup.word: (Name, ...)}
    return create_model(
        lookup.model_name,
        __base__=LookupRef,
        __doc__=lookup.about,
        __module__=__name__,
        **fields,
    )


LOOKUP_REFS: Mapping[str, type[LookupRef]] = types.MappingProxyType(
    {lookup.word: _lookup_model(lookup) for lookup in LOOKUPS}
)
"""The lookup vocabulary, by the word a file writes."""

REFS: Mapping[str, type[Ref]] = types.MappingProxyType({"workflow": WorkflowRef, **LOOKUP_REFS})
"""Every reference word a file may use."""


def lookup_ref(word: str, name: str) -> LookupRef:
    """``{word: name}`` as its reference model (``lookup_ref("agent", "Alice")``)."""
    return LOOKUP_REFS[word].model_validate({word: name})


def _lookup_word(value: Any) -> str | None:
    if isinstance(value, Ref):
        return value.target
    if isinstance(value, Mapping):
        return next((str(key) for key in value if key in LOOKUP_REFS), None)
    return None


class LookupOf:
    """Says which lookups a ``LookupRef`` field takes: ``Annotated[LookupRef,
    LookupOf("agent")]`` validates (and documents) as ``{agent: <name>}``; several
    words make a union told apart by its key.

    The reference models are made from the lookup table at import time, so a type
    checker knows them only as ``LookupRef``; this marker hands pydantic the real one.
    """

    def __init__(self, *words: str) -> None:
        unknown = [word for word in words if word not in LOOKUP_REFS]
        if unknown or not words:
            raise ValueError(f"LookupOf{words!r}: the lookups are {', '.join(LOOKUP_REFS)}")
        self.words = words

    def __repr__(self) -> str:
        return f"LookupOf{self.words!r}"

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return handler.generate_schema(self._annotation())

    def _annotation(self) -> Any:
        if len(self.words) == 1:
            return LOOKUP_REFS[self.words[0]]
        tagged = tuple(Annotated[LOOKUP_REFS[word], Tag(word)] for word in self.words)
        return Annotated[
            Union[tagged],  # noqa: UP007 (a union built from a tuple)
            Discriminator(
                _lookup_word,
                custom_error_type="lookup_ref",
                custom_error_message=(
                    "expected a lookup reference such as {status: Resolved} "
                    f"({', '.join(self.words)})"
                ),
            ),
        ]


AnyLookupRef = Annotated[LookupRef, LookupOf(*LOOKUP_REFS)]
"""Any lookup reference, told apart by its key (criteria ``value_int`` takes one)."""
