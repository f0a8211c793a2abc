"""Portable references: how a file names a thing whose numeric id differs per tenant.

A tenant's ids mean nothing in another tenant, so files name what they point at:
``{workflow: Incident Lifecycle}`` or ``{workflow: {guid: ...}}`` for resources the
repo manages, ``{agent: Alice Admin}`` for rows of the tenant's own lookups. A raw
integer is still accepted, so that an existing tenant's config can be migrated, but it
is typed ``TenantId`` so that a walk can report it as not portable.

Which fields hold references is read from the models' type annotations, never listed
by hand: the walks below find every ``Ref`` and ``TenantId`` wherever a model nests
them, so a field added to a model is covered the moment it is typed.
"""

from __future__ import annotations

import functools
import types
import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    Discriminator,
    GetCoreSchemaHandler,
    StringConstraints,
    Tag,
    WithJsonSchema,
    create_model,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError, core_schema

from haloform.common.ids import parse_guid
from haloform.common.paths import join_path
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
class _TenantIdMarker:
    """Marks the ``int`` of a ``SomeRef | TenantId`` union as a tenant's own id."""


TenantId = Annotated[
    int,
    _TenantIdMarker(),
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


@dataclass(frozen=True)
class RefField:
    """A field that refers to something, as the annotations declare it."""

    path: str
    """Where, as a pattern: ``steps[].actions[].action_id``."""
    targets: tuple[str, ...]
    tenant_id: bool = False
    """A raw tenant id is accepted here (and reported as not portable)."""
    stores_name: bool = False
    """Halo stores the name itself (a rule's ``new_team``): nothing to resolve."""


@dataclass(frozen=True)
class RawId:
    """A tenant's own id written where a reference belongs."""

    value: int
    targets: tuple[str, ...]
    """The reference words that would make it portable."""


def members(annotation: Any) -> Iterator[tuple[Any, tuple[object, ...]]]:
    """Every alternative an annotation allows, with the metadata wrapped around it.

    Unions are flattened and lists looked through, since a reference or a nested model
    means the same whether it stands alone or in a list; a ``LookupOf`` field yields
    the reference models it takes.
    """
    origin = get_origin(annotation)
    if origin is Annotated:
        inner, *metadata = get_args(annotation)
        lookups = [marker for marker in metadata if isinstance(marker, LookupOf)]
        if lookups:  # the reference models the marker stands for
            metadata = [marker for marker in metadata if marker not in lookups]
            inner = Union[tuple(LOOKUP_REFS[word] for word in lookups[0].words)]  # noqa: UP007
        for member, found in members(inner):
            yield member, (*metadata, *found)
    elif origin in (Union, types.UnionType, list):
        for arg in get_args(annotation):
            yield from members(arg)
    else:
        yield annotation, ()


def field_members(info: FieldInfo) -> Iterator[tuple[Any, tuple[object, ...]]]:
    """``members`` of a field, with the metadata pydantic lifted off its annotation."""
    for member, found in members(info.annotation):
        yield member, (*info.metadata, *found)


def nested_models(info: FieldInfo) -> Iterator[tuple[type[BaseModel], bool]]:
    """The models a field holds (references aside), and whether they come in a list."""
    in_list = _is_list(info.annotation)
    for member, _ in field_members(info):
        if (
            isinstance(member, type)
            and issubclass(member, BaseModel)
            and not issubclass(member, Ref)
        ):
            yield member, in_list


def holds_list(info: FieldInfo) -> bool:
    """Whether a field holds a list (of anything)."""
    return _is_list(info.annotation)


def _is_list(annotation: Any) -> bool:
    origin = get_origin(annotation)
    if origin is list:
        return True
    if origin is Annotated:
        return _is_list(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return any(_is_list(arg) for arg in get_args(annotation))
    return False


def field_paths(model: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, FieldInfo]]:
    """Every field of a model and of the models nested in it, by path pattern
    (``steps[].actions[].action_id``)."""
    for name, info in model.model_fields.items():
        path = join_path(prefix, name)
        yield path, info
        for nested, in_list in nested_models(info):
            yield from field_paths(nested, f"{path}[]" if in_list else path)


@functools.cache
def _own_ref_fields(model: type[BaseModel]) -> Mapping[str, RefField]:
    fields = model.model_fields.items()
    return {name: ref for name, info in fields if (ref := _ref_field(name, info)) is not None}


def _ref_field(path: str, info: FieldInfo) -> RefField | None:
    targets: list[str] = []
    tenant_id = stores_name = False
    for member, metadata in field_members(info):
        if isinstance(member, type) and issubclass(member, Ref) and member is not Ref:
            targets.append(member.target)
        for marker in metadata:
            tenant_id = tenant_id or isinstance(marker, _TenantIdMarker)
            if isinstance(marker, NameOf):
                targets.append(marker.target)
                stores_name = True
    if not targets:
        return None
    return RefField(path, tuple(dict.fromkeys(targets)), tenant_id, stores_name)


_SHARED: weakref.WeakValueDictionary[tuple[type, str | None, str | None], Ref] = (
    weakref.WeakValueDictionary()
)


def share_refs(model: BaseModel) -> None:
    """Swap each reference ``model`` holds for an equal one already in memory.

    A repo of 10,000 rules writes ~45,000 references, mostly the same few
    (``{agent: Alice Admin}``), at ~300 bytes each; shared, they are a few hundred.
    Called once a model is built: its fields are not changed, only who holds them."""
    fields = model.__dict__
    for name in _own_ref_fields(type(model)):
        value = fields[name]
        if isinstance(value, Ref):
            fields[name] = _shared(value)
        elif isinstance(value, list):
            value[:] = [_shared(item) if isinstance(item, Ref) else item for item in value]


def _shared(ref: Ref) -> Ref:
    return _SHARED.setdefault((type(ref), ref.name, ref.guid), ref)


def reference_fields(model: type[BaseModel]) -> tuple[RefField, ...]:
    """Every field of ``model`` (nested models included) that holds a reference."""
    fields = field_paths(model)
    return tuple(ref for path, info in fields if (ref := _ref_field(path, info)) is not None)


def _values(model: BaseModel, prefix: str) -> Iterator[tuple[str, object, RefField | None]]:
    """Every leaf value set in a model, with its path and what its field refers to."""
    own = _own_ref_fields(type(model))
    for name in type(model).model_fields:
        value = getattr(model, name)
        path = join_path(prefix, name)
        yield from _leaves(value, path, own.get(name))


def _leaves(
    value: object, path: str, ref: RefField | None
) -> Iterator[tuple[str, object, RefField | None]]:
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}[{index}]", ref)
    elif isinstance(value, BaseModel) and not isinstance(value, Ref):
        yield from _values(value, path)
    elif value is not None:
        yield path, value, ref


def iter_refs(model: BaseModel) -> Iterator[tuple[str, Ref]]:
    """Every reference in a resource, with its path: ``("steps[2].new_flow_id", ref)``.

    A name-storing field (``new_team: Network``) yields the lookup reference it stands
    for, so that one check covers every name the tenant must know.
    """
    for path, value, ref in _values(model, ""):
        if isinstance(value, Ref):
            yield path, value
        elif ref is not None and ref.stores_name and isinstance(value, str):
            yield path, lookup_ref(ref.targets[0], value)


def iter_raw_ids(model: BaseModel) -> Iterator[tuple[str, RawId]]:
    """Every tenant id written where a reference belongs (portable only by luck)."""
    for path, value, ref in _values(model, ""):
        if ref is None or not ref.tenant_id or isinstance(value, bool):
            continue
        if isinstance(value, int):
            yield path, RawId(value, ref.targets)
