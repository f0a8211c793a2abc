"""Resources of every kind in portable form, generated from the models' annotations
(the same walk the core reads), so a field added to a model is generated too."""

from __future__ import annotations

import json
import string
import types
from typing import Annotated, Any, Union, get_args, get_origin

from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from haloform.kinds import KINDS, KindSpec
from haloform.kinds.base import FILE_ONLY
from haloform.kinds.ref_fields import field_members
from haloform.kinds.refs import Ref
from haloform.resolve.index import TenantIndex
from haloform.resolve.portable import to_portable

Case = tuple[KindSpec, dict[str, Any]]

TEXT = st.text(alphabet=string.ascii_letters, min_size=1, max_size=5)
_SCALARS: dict[Any, st.SearchStrategy[Any]] = {
    int: st.integers(1, 300),
    float: st.floats(0.5, 1000, allow_nan=False).map(lambda f: round(f, 1)),
    str: TEXT,
    bool: st.booleans(),
    Any: st.integers(0, 9),
}


def portable_documents() -> st.SearchStrategy[Case]:
    """(spec, a valid document of that kind in portable form)."""
    return st.sampled_from(KINDS).flatmap(_documents)


def _documents(spec: KindSpec) -> st.SearchStrategy[Case]:
    def portable(document: dict[str, Any]) -> Case:
        return spec, to_portable(spec, document, TenantIndex())

    return _object(spec, spec.model, "").filter(lambda d: _valid(spec, d)).map(portable)


def _valid(spec: KindSpec, document: dict[str, Any]) -> bool:
    try:
        spec.parse(document)
    except ValidationError:
        return False
    return True


def _object(spec: KindSpec, model: type[BaseModel], prefix: str) -> st.SearchStrategy[Any]:
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for name, info in model.model_fields.items():
        if name in FILE_ONLY:
            continue
        path = f"{prefix}.{name}" if prefix else name
        (required if info.is_required() else optional)[name] = _field(spec, info, path)
    return st.fixed_dictionaries(required, optional=optional)


def _field(spec: KindSpec, info: FieldInfo, path: str) -> st.SearchStrategy[Any]:
    if path in spec.write_only:
        return st.just("${env:SECRET}")
    if path.endswith("guid"):
        return st.uuids().map(str)
    in_list = _is_list(info.annotation)
    item_path = f"{path}[]" if in_list else path
    choices = [
        strategy
        for member, _ in field_members(info)
        if (strategy := _member(spec, member, item_path)) is not None
    ]
    item = st.one_of(choices)
    if not in_list:
        return item
    keys = spec.keyed_lists.get(path)
    if keys is None:
        return st.lists(item, min_size=1, max_size=3)
    return st.lists(item, min_size=1, max_size=3, unique_by=lambda i: _key(i, keys))


def _member(spec: KindSpec, member: Any, path: str) -> st.SearchStrategy[Any] | None:
    if isinstance(member, type) and issubclass(member, Ref):
        return TEXT.map(lambda name: {member.target: name})
    if isinstance(member, type) and issubclass(member, BaseModel):
        return _object(spec, member, path)
    if get_origin(member) is dict:
        return st.dictionaries(TEXT, st.integers(0, 9), min_size=1, max_size=2)
    return _SCALARS.get(member)


def _is_list(annotation: Any) -> bool:
    origin = get_origin(annotation)
    if origin in (Annotated, Union, types.UnionType):
        return any(_is_list(arg) for arg in get_args(annotation))
    return origin is list


def _key(item: Any, keys: tuple[str, ...]) -> str:
    return json.dumps([item.get(key) for key in keys], sort_keys=True)
