"""What every managed kind shares: the model base, and the spec the core reads.

Models carry Halo's own field names and refuse what a file must not hold: unknown
names (typos, ``extra_forbidden``) and names Halo sets itself (``server_owned``, an
error of its own so the message can say why). Each kind declares one ``KindSpec``; the
planner, exporter and applier read it and never switch on a kind's name. What the
models already say (references, server-owned names, keyed and unordered lists,
secrets) the spec derives from them instead of repeating it.
"""

from __future__ import annotations

import copy
import re
import types
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
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

from haloform.common.paths import join_path
from haloform.errors import ConfigError
from haloform.kinds.checks import Check, ChildList, no_check
from haloform.kinds.frozen import FrozenModel
from haloform.kinds.refs import (
    Guid,
    Name,
    Ref,
    RefField,
    field_members,
    field_paths,
    nested_models,
    share_refs,
)
from haloform.kinds.refs import reference_fields as _reference_fields
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


@dataclass(frozen=True)
class _Unordered:
    """Marks a list whose order carries no meaning (compared as a set)."""


UNORDERED = _Unordered()

Passthrough = list[dict[str, Any]]
"""Objects haloform does not model field by field: kept and sent as written."""

UnorderedPassthrough = Annotated[Passthrough, UNORDERED]


@dataclass(frozen=True)
class _SecretMarker:
    """Marks a write-only secret: sent to Halo, never read back, never diffed."""


_ENV_SECRET = re.compile(r"^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$")
_SECRET_MESSAGE = (
    "secrets never live in files: write ${env:NAME} and set NAME in the environment "
    "where haloform runs"
)


def _env_reference(value: str) -> str:
    if not _ENV_SECRET.match(value):
        raise PydanticCustomError("secret_literal", _SECRET_MESSAGE)
    return value


EnvSecret = Annotated[
    str,
    _SecretMarker(),
    AfterValidator(_env_reference),
    WithJsonSchema(
        {"type": "string", "pattern": _ENV_SECRET.pattern, "description": _SECRET_MESSAGE}
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
        if isinstance(data.get(name), str) and not _ENV_SECRET.match(data[name])
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
        if any(isinstance(marker, _SecretMarker) for marker in metadata)
    )


def _objects(model: type[HaloModel]) -> Iterator[tuple[str, type[HaloModel]]]:
    """The model and every model nested in it, by path pattern (``steps[]``)."""
    yield "", model
    for path, info in field_paths(model):
        for nested, in_list in nested_models(info):
            if issubclass(nested, HaloModel):
                yield (f"{path}[]" if in_list else path), nested


def _marked(model: type[BaseModel], kind: type[_M]) -> Iterator[tuple[str, _M]]:
    for path, info in field_paths(model):
        for _, metadata in field_members(info):
            for marker in metadata:
                if isinstance(marker, kind):
                    yield path, marker


def _every_row(row: Mapping[str, Any]) -> bool:
    return True


@dataclass(frozen=True, eq=False)
class KindSpec:
    """Everything the core needs to know about one managed kind, declared once."""

    kind: str
    """The ``kind:`` of a YAML document."""
    model: type[Resource]
    api_path: str
    directory: str
    """Where export writes this kind's files, relative to the repo root."""
    ref_key: str | None = None
    """The word references use for this kind (``{workflow: ...}``); None: not referable."""
    list_params: Mapping[str, bool] = field(default_factory=dict)
    detail_params: Mapping[str, bool] = field(default_factory=dict)
    detail_only: frozenset[str] = frozenset()
    """Top-level fields only ``GET {api_path}/{id}`` (with ``detail_params``) carries."""
    child_lists: tuple[ChildList, ...] = ()
    """Detail-only fields another list answers for every record at once."""
    defaults: Mapping[str, Any] = field(default_factory=dict)
    """What Halo fills in when a top-level field is absent, so absent compares equal."""
    is_managed_row: Callable[[Mapping[str, Any]], bool] = _every_row
    """Whether a live row of the list is this kind's to manage (or prune) at all."""
    check: Check = no_check
    """Offline integrity checks beyond field types, run by ``haloform validate``."""
    in_use_field: str | None = None
    """A field of the detail GET saying tickets use the record: a plan deleting one
    warns (Halo may refuse the delete, or it breaks those tickets)."""

    def __post_init__(self) -> None:
        for name in ("list_params", "detail_params", "defaults"):
            object.__setattr__(self, name, types.MappingProxyType(dict(getattr(self, name))))

    @cached_property
    def server_owned(self) -> Mapping[str, frozenset[str]]:
        """Server-owned names of each object, by pattern: ``""`` the resource itself,
        ``"steps[]"`` each step, ``"steps[].actions[]"`` each action..."""
        return types.MappingProxyType(
            {path: model.server_owned for path, model in _objects(self.model)}
        )

    @cached_property
    def references(self) -> tuple[RefField, ...]:
        return _reference_fields(self.model)

    @cached_property
    def zero_unset(self) -> frozenset[str]:
        """Patterns whose ``0`` / ``false`` is "not set": id references and ``zero_unset``."""
        declared = {
            join_path(pattern, name)
            for pattern, model in _objects(self.model)
            for name in model.zero_unset
        }
        ids = {ref.path for ref in self.references if not ref.stores_name}
        return frozenset(declared | ids)

    def is_unset(self, pattern: str, value: object) -> bool:
        """Whether ``value`` at ``pattern`` is Halo's "not set" (None, ``""``, ``[]``,
        ``{}``; ``0`` / ``false`` at ``zero_unset``): the one rule export, plan and
        diff share to leave it out and treat it as absent."""
        if value is None or (isinstance(value, str | list | Mapping) and not value):
            return True
        return pattern in self.zero_unset and isinstance(value, int | float) and value == 0

    @cached_property
    def keyed_lists(self) -> Mapping[str, tuple[str, ...]]:
        """List pattern -> the fields that identify an item (``steps`` -> ``step_id``)."""
        found = {path: marker.fields for path, marker in _marked(self.model, KeyedBy)}
        return types.MappingProxyType(found)

    @cached_property
    def keyed_markers(self) -> Mapping[str, KeyedBy]:
        """List pattern -> its whole ``KeyedBy`` (key fields, label, references)."""
        return types.MappingProxyType(dict(_marked(self.model, KeyedBy)))

    @cached_property
    def unordered_lists(self) -> frozenset[str]:
        return frozenset(path for path, _ in _marked(self.model, _Unordered))

    @cached_property
    def write_only(self) -> frozenset[str]:
        """Secrets (top-level): sent on every save, never read back, so never compared."""
        return frozenset(path for path, _ in _marked(self.model, _SecretMarker))

    def parse(self, document: Mapping[str, Any]) -> Resource:
        return self.model.model_validate(document)

    def payload(self, resource: Resource, resolve: Resolver) -> dict[str, Any]:
        if not isinstance(resource, self.model):
            raise TypeError(f"{self.kind} spec given a {type(resource).__name__}")
        return resource.to_payload(resolve)

    def with_secrets(
        self, payload: Mapping[str, Any], environ: Mapping[str, str]
    ) -> dict[str, Any]:
        """The payload with each ``${env:NAME}`` secret replaced by its value: the last
        step before a POST, so that only the request itself ever holds a secret."""
        filled = dict(payload)
        for name in self.write_only & filled.keys():
            match = _ENV_SECRET.match(str(filled[name]))
            variable = match.group(1) if match else None
            if variable is None or variable not in environ:
                raise ConfigError(
                    f"{self.kind} {name}: environment variable {variable or '?'} is not set"
                )
            filled[name] = environ[variable]
        return filled
