"""What "not set" is, and how a file clears a field.

Halo answers every field of a real row, unset ones zero-filled (docs/halo-api.md, "Real rows
are zero-filled"): ``0`` for an id or a count, ``""`` for a string, ``[]`` for a list,
``false`` for a flag whose default is false. Each model lists the numbers and flags
whose zero means "not set" (``HaloModel.zero_unset``); references are unset at 0
without being listed (0 is never a tenant record). A few fields answer another value
for "not set" (``HaloModel.unset_values``): a step's ``new_flow_id`` of -1 ("no
switch"), its ``iteration_batch_size`` of 1, a criterion's ``value_type_id`` of -1.
``KindSpec.is_unset`` applies the rule by path; this module holds what a model alone
decides: which fields a file may clear with ``null``, and what Halo is then sent.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic_core import InitErrorDetails, PydanticCustomError

from haloform.kinds.ref_fields import field_members, holds_list, reference_fields

FILE_ONLY = frozenset({"kind"})
"""Fields a file has that Halo's API does not: never sent."""


@cache
def cleared_values(model: type[BaseModel]) -> Mapping[str, Any]:
    """What Halo is sent for each field a file may clear with ``null``: its "not set"
    value, from the field's type (``[]`` a list, ``""`` a string or a name-storing
    reference, ``0`` an id reference, ``0`` / ``false`` a ``zero_unset`` field). Any
    other field has no such value, so ``null`` there is refused."""
    references = {ref.path: ref for ref in reference_fields(model)}
    others: Mapping[str, tuple[object, ...]] = getattr(model, "unset_values", {})
    found: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        kinds = {member for member, _ in field_members(info)}
        ref = references.get(name)
        if name in FILE_ONLY or name == "guid":
            continue
        if name in others:
            found[name] = others[name][0]
        elif holds_list(info):
            found[name] = []
        elif ref is not None:
            found[name] = "" if ref.stores_name else 0
        elif name in getattr(model, "zero_unset", frozenset()):
            found[name] = False if bool in kinds else 0
        elif str in kinds:
            found[name] = ""
    return types.MappingProxyType(found)


def null_errors(
    model: type[BaseModel], written: Iterable[str], value: Callable[[str], object]
) -> list[InitErrorDetails]:
    """An error for each field written as ``null`` that has no "not set" value."""
    clearable = cleared_values(model)
    errors: list[InitErrorDetails] = []
    for name in sorted(set(written) - clearable.keys()):
        if value(name) is None:
            message = (
                "{field}: null clears a field, and Halo has no 'not set' value for "
                "this one: remove the line to leave the field as it is"
            )
            error = PydanticCustomError("null_not_clearable", message, {"field": name})
            errors.append({"type": error, "loc": (name,), "input": None})
    return errors
