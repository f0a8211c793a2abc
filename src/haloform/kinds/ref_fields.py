"""Which fields hold references, read from the models' type annotations, never listed
by hand, and walks over a model's values that find them.

The walks find every ``Ref`` and ``TenantId`` wherever a model nests them, so a field
added to a model is covered the moment it is typed.
"""

from __future__ import annotations

import functools
import types
import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from haloform.common.ids import is_tenant_id
from haloform.common.paths import join_path
from haloform.kinds.refs import (
    LOOKUP_REFS,
    LookupOf,
    NameOf,
    Ref,
    TenantIdMarker,
    TenantIds,
    lookup_ref,
)


@dataclass(frozen=True)
class RefField:
    """A field that refers to something, as the annotations declare it."""

    path: str
    """Where, as a pattern: ``steps[].actions[].action_id``."""
    targets: tuple[str, ...]
    """The reference words it takes; none for a ``TenantId`` no lookup can name (a
    rule's ``script_id``): kept as a number, and reported as not portable."""
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
        if isinstance(member, type) and issubclass(member, TenantIds):
            continue  # bound ids: no word that names a target, and never a raw id
        if isinstance(member, type) and issubclass(member, Ref) and member is not Ref:
            targets.append(member.target)
        for marker in metadata:
            tenant_id = tenant_id or isinstance(marker, TenantIdMarker)
            if isinstance(marker, NameOf):
                targets.append(marker.target)
                stores_name = True
    if not targets and not tenant_id:
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
    if ref.name is None and ref.guid is None:
        return ref  # bound tenant ids: rare, and told apart by more than a name
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
        elif isinstance(value, Mapping):
            yield from bound_ids(value, path)


def bound_ids(value: object, path: str) -> Iterator[tuple[str, TenantIds]]:
    """The ``{tenant_ids: ...}`` values inside a pass-through row, at any depth."""
    bound = TenantIds.read(value)
    if bound is not None:
        yield path, bound
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from bound_ids(item, join_path(path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from bound_ids(item, f"{path}[{index}]")


def iter_raw_ids(model: BaseModel) -> Iterator[tuple[str, RawId]]:
    """Every tenant id written where a reference belongs (portable only by luck)."""
    for path, value, ref in _values(model, ""):
        if ref is not None and ref.tenant_id and is_tenant_id(value):
            assert isinstance(value, int)
            yield path, RawId(value, ref.targets)
