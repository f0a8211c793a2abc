"""The model base every managed kind's objects are read into.

Models carry Halo's own field names and refuse what a file must not hold: unknown
names (typos, ``extra_forbidden``) and names Halo sets itself (``server_owned``, an
error of its own so the message can say why). Each kind declares one ``KindSpec``
(``kinds.spec``) from its model.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, ClassVar, Self, TypeVar, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ModelWrapValidatorHandler,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import ErrorDetails, InitErrorDetails, PydanticCustomError, to_jsonable_python
from pydantic_core.core_schema import ErrorType

from haloform.kinds.frozen import FrozenModel
from haloform.kinds.ref_fields import field_members, share_refs
from haloform.kinds.refs import Guid, Name, Ref, TenantIds
from haloform.kinds.unmodelled import UNMODELLED, Unmodelled
from haloform.kinds.unset import FILE_ONLY as FILE_ONLY
from haloform.kinds.unset import cleared_values, null_errors

Resolver = Callable[[Ref], int | str]
"""Turns a reference into what the tenant stores (its id): the planner's, per tenant."""


@dataclass(frozen=True)
class KeyedBy:
    """Marks a list whose items are matched by these fields when diffing: order does
    not matter, and an item whose other fields differ is a change, not a swap.

    ``label`` and ``refers`` say how a reader knows an item (field paths in a plan name
    it, never a number that looks like a list index): by its ``label`` field (a step by
    its name), else by its key fields, each shown by name; ``refers`` maps a key field
    holding another top-level keyed list's key to that list (an action's ``end_step``
    is a step's ``step_id``, shown as the step's name)."""

    fields: tuple[str, ...]
    label: str | None = None
    refers: tuple[tuple[str, str], ...] = ()
    quiet: tuple[str, ...] = ()
    """Key fields a path shows only where an item sets them: they tell apart the few
    items the others do not (an automation's Successful and Unsuccessful buttons, both
    leading to one step, differ only in ``approval_result``)."""


@dataclass(frozen=True)
class Unordered:
    """Marks a list whose order carries no meaning (compared as a set)."""


UNORDERED = Unordered()

Passthrough = list[dict[str, Any]]
"""Objects haloform does not model field by field: kept and sent as written."""

UnorderedPassthrough = Annotated[Passthrough, UNORDERED]


@dataclass(frozen=True)
class SecretMarker:
    """Marks a write-only secret: sent to Halo, never read back, never diffed."""


ENV_SECRET = re.compile(r"^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$")
_SECRET_MESSAGE = (
    "secrets never live in files: write ${env:NAME} and set NAME in the environment "
    "where haloform runs"
)


def _env_reference(value: str) -> str:
    if not ENV_SECRET.match(value):
        raise PydanticCustomError("secret_literal", _SECRET_MESSAGE)
    return value


EnvSecret = Annotated[
    str,
    SecretMarker(),
    AfterValidator(_env_reference),
    WithJsonSchema(
        {"type": "string", "pattern": ENV_SECRET.pattern, "description": _SECRET_MESSAGE}
    ),
]
"""A secret, written only as ``${env:NAME}``: the applier fills it in at POST time, so
no file, plan or log ever holds the value."""

_REDACTED = "<redacted>"
_M = TypeVar("_M")
_KNOWN_ERRORS = frozenset(get_args(ErrorType))


class HaloModel(FrozenModel):
    """An object in a file, shaped like the Halo API object it mirrors."""

    halo_schema: ClassVar[str]
    """The OpenAPI schema this model mirrors (``FlowHeader``, ``Autoassign``...)."""
    server_owned: ClassVar[frozenset[str]] = frozenset()
    """Names of that schema Halo fills in itself: never in a file, ignored by diffs."""
    zero_unset: ClassVar[frozenset[str]] = frozenset()
    """Numbers and flags whose ``0`` / ``false`` is Halo's "not set" (``kinds.unset``)."""
    observed: ClassVar[frozenset[str]] = frozenset()
    """Fields the published schema lacks that real rows carry (docs/halo-fidelity.md):
    modelled so that they survive, and sent back as Halo answered them."""
    identified_by_guid: ClassVar[Mapping[str, str]] = {}
    """Tenant ids whose portable identity is a guid Halo answers beside them
    (``auto_action_type`` -> ``auto_action_type_guid``): files and diffs keep the guid,
    and each tenant's id is found by it (``resolve.references.with_tenant_ids``)."""
    unset_values: ClassVar[Mapping[str, tuple[object, ...]]] = {}
    """Fields whose "not set" is another value (``new_flow_id: -1``); the first is sent."""

    unmodelled: Unmodelled | None = None
    """Fields Halo answered that no model declares, kept as read (``kinds.unmodelled``)."""

    def model_post_init(self, context: Any, /) -> None:
        super().model_post_init(context)
        share_refs(self)

    @model_validator(mode="wrap")
    @classmethod
    def _refuse_server_owned(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        """Report server-owned names at their own location, next to any other error of
        the object (a plain ``extra_forbidden`` could not say why the name is wrong)."""
        if not isinstance(data, Mapping):
            return handler(data)
        data = _redact_secrets(cls, data)
        owned = [key for key in data if key in cls.server_owned]
        if not owned:
            return handler(data)
        errors = [_server_owned_error(key, data[key]) for key in owned]
        try:
            handler({key: value for key, value in data.items() if key not in owned})
        except ValidationError as error:
            errors.extend(_reraisable(detail) for detail in error.errors())
        raise ValidationError.from_exception_data(cls.__name__, errors)

    @model_validator(mode="after")
    def _unique_keys(self) -> Self:
        """Two items with one key could not be told apart by a diff."""
        errors: list[InitErrorDetails] = []
        for name, keyed in _keyed_fields(type(self)):
            errors.extend(_duplicates(name, keyed.fields, getattr(self, name) or []))
        if errors:
            raise ValidationError.from_exception_data(type(self).__name__, errors)
        return self

    @model_validator(mode="after")
    def _unmodelled_apart(self) -> Self:
        """A field haloform models is written as itself, never among the kept ones."""
        known = [
            key
            for key in self.unmodelled or {}
            if key in type(self).model_fields or key in self.server_owned
        ]
        if known:
            message = "{field} is a field haloform knows: write it directly, not under unmodelled"
            errors: list[InitErrorDetails] = [
                {
                    "type": PydanticCustomError("modelled_field", message, {"field": key}),
                    "loc": (UNMODELLED, key),
                    "input": (self.unmodelled or {})[key],
                }
                for key in known
            ]
            raise ValidationError.from_exception_data(type(self).__name__, errors)
        return self

    @model_validator(mode="after")
    def _nulls_clear(self) -> Self:
        """A ``null`` clears a field; where Halo has no "not set", it is a mistake."""
        errors = null_errors(type(self), self.model_fields_set, lambda name: getattr(self, name))
        if errors:
            raise ValidationError.from_exception_data(type(self).__name__, errors)
        return self

    def to_payload(self, resolve: Resolver) -> dict[str, Any]:
        """What Halo is sent: its field names, references resolved, unset fields left
        out (so a field the file does not mention is never overwritten), and a field
        the file writes as ``null`` sent as Halo's "not set" (``cleared_values``)."""
        payload: dict[str, Any] = {}
        cleared = cleared_values(type(self))
        for name in type(self).model_fields:
            value = getattr(self, name)
            if name in FILE_ONLY or name not in self.model_fields_set:
                continue
            if value is None:
                payload[name] = copy.deepcopy(cleared[name])
                continue
            payload[name] = _payload_value(value, resolve)
        payload.update(copy.deepcopy(payload.pop(UNMODELLED, {})))
        self._complete_payload(payload)
        return payload

    def _complete_payload(self, payload: dict[str, Any]) -> None:
        """Hook: fill in what Halo needs but a file leaves implicit (in place)."""


class Resource(HaloModel):
    """A top-level document; its guid is its identity across tenants and runs."""

    kind: str
    guid: Guid
    name: Name


def _payload_value(value: object, resolve: Resolver) -> Any:
    if isinstance(value, Ref):
        return resolve(value)
    if isinstance(value, HaloModel):
        return value.to_payload(resolve)
    if isinstance(value, list):
        return [_payload_value(item, resolve) for item in value]
    if isinstance(value, Mapping):  # a pass-through row: its bound ids resolved too
        bound = TenantIds.read(value)
        if bound is not None:
            return resolve(bound)
        return {key: _payload_value(item, resolve) for key, item in value.items()}
    return to_jsonable_python(value)


def _server_owned_error(key: str, value: object) -> InitErrorDetails:
    message = "{field} is set by Halo, never by a file: remove it"
    error = PydanticCustomError("server_owned", message, {"field": key})
    return {"type": error, "loc": (key,), "input": value}


def _reraisable(detail: ErrorDetails) -> InitErrorDetails:
    """An error of the inner validation, in the form ``from_exception_data`` takes."""
    ctx = detail.get("ctx")
    kind = detail["type"]
    if kind not in _KNOWN_ERRORS:
        custom = PydanticCustomError(kind, detail["msg"], ctx)
        return {"type": custom, "loc": detail["loc"], "input": detail["input"]}
    known: InitErrorDetails = {"type": kind, "loc": detail["loc"], "input": detail["input"]}
    if ctx is not None:
        known["ctx"] = ctx
    return known


def _redact_secrets(model: type[HaloModel], data: Mapping[str, Any]) -> Mapping[str, Any]:
    """A literal secret is refused; redacting it first keeps it out of the error too."""
    leaked = [
        name
        for name in _secret_fields(model)
        if isinstance(data.get(name), str) and not ENV_SECRET.match(data[name])
    ]
    if not leaked:
        return data
    return {key: _REDACTED if key in leaked else value for key, value in data.items()}


def _duplicates(field: str, keys: tuple[str, ...], items: list[Any]) -> Iterator[InitErrorDetails]:
    first: dict[tuple[object, ...], int] = {}
    for index, item in enumerate(items):
        key = tuple(getattr(item, part, None) for part in keys)
        if all(part is None for part in key):
            continue
        if key in first:
            shown = ", ".join(f"{part}={value}" for part, value in zip(keys, key, strict=True))
            message = "{key} is already used by {field}[{first}]; it must be unique"
            ctx = {"key": shown, "field": field, "first": first[key]}
            error = PydanticCustomError("duplicate_key", message, ctx)
            yield {"type": error, "loc": (field, index, keys[0]), "input": key[0]}
        first.setdefault(key, index)


@cache
def _keyed_fields(model: type[BaseModel]) -> tuple[tuple[str, KeyedBy], ...]:
    return tuple(
        (name, marker)
        for name, info in model.model_fields.items()
        for _, metadata in field_members(info)
        for marker in metadata
        if isinstance(marker, KeyedBy)
    )


@cache
def _secret_fields(model: type[BaseModel]) -> frozenset[str]:
    return frozenset(
        name
        for name, info in model.model_fields.items()
        for _, metadata in field_members(info)
        if any(isinstance(marker, SecretMarker) for marker in metadata)
    )
