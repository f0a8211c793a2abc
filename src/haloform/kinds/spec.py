"""The spec the core reads for each managed kind: declared once per kind, derived from
its model wherever the model already says it.

The planner, exporter and applier read a ``KindSpec`` and never switch on a kind's
name. What the models already say (references, server-owned names, keyed and unordered
lists, secrets, what "not set" is) the spec derives from them instead of repeating it.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from pydantic import BaseModel

from haloform.common.paths import join_path
from haloform.errors import ConfigError
from haloform.kinds.base import (
    ENV_SECRET,
    HaloModel,
    KeyedBy,
    Resolver,
    Resource,
    SecretMarker,
    Unordered,
)
from haloform.kinds.checks import Check, ChildList, no_check
from haloform.kinds.ref_fields import RefField, field_members, field_paths, nested_models
from haloform.kinds.ref_fields import reference_fields as _reference_fields
from haloform.kinds.unmodelled import UNMODELLED

_M = TypeVar("_M")


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
    order_field: str | None = None
    """The field Halo tries this kind's records by (rules: ``precedence``, 1 first): a
    plan shows a created or changed record's neighbours in that order."""
    automations: bool = False
    """Halo records automation runs (``/Automation``) against this kind's records:
    ``health`` and ``apply --watch`` watch them."""
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
    def object_patterns(self) -> frozenset[str]:
        """Where a diff compares field by field: each modelled object, and the map of
        unknown fields each keeps (``steps[].unmodelled``)."""
        return frozenset(
            name
            for pattern in self.server_owned
            for name in (pattern, join_path(pattern, UNMODELLED))
        )

    @cached_property
    def guid_identified(self) -> Mapping[str, tuple[tuple[str, str], ...]]:
        """Object pattern -> its (id field, guid field) pairs: tenant ids a guid beside
        them identifies (``steps[]``: ``auto_action_type``, ``auto_action_type_guid``)."""
        return types.MappingProxyType(
            {
                pattern: tuple(model.identified_by_guid.items())
                for pattern, model in _objects(self.model)
                if model.identified_by_guid
            }
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

    @cached_property
    def unset_values(self) -> Mapping[str, tuple[object, ...]]:
        """Patterns whose "not set" is another value (``steps[].new_flow_id``: -1)."""
        return types.MappingProxyType(
            {
                join_path(pattern, name): values
                for pattern, model in _objects(self.model)
                for name, values in model.unset_values.items()
            }
        )

    def is_unset(self, pattern: str, value: object) -> bool:
        """Whether ``value`` at ``pattern`` is Halo's "not set" (None, ``""``, ``[]``,
        ``{}``; ``0`` / ``false`` at ``zero_unset``; a declared ``unset_values``): the
        one rule export, plan and diff share to leave it out and treat it as absent."""
        if value is None or (isinstance(value, str | list | Mapping) and not value):
            return True
        if not isinstance(value, int | float) or value is True:
            return False
        if value == 0:
            return pattern in self.zero_unset
        return value in self.unset_values.get(pattern, ())

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
        return frozenset(path for path, _ in _marked(self.model, Unordered))

    @cached_property
    def write_only(self) -> frozenset[str]:
        """Secrets (top-level): sent on every save, never read back, so never compared."""
        return frozenset(path for path, _ in _marked(self.model, SecretMarker))

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
            match = ENV_SECRET.match(str(filled[name]))
            variable = match.group(1) if match else None
            if variable is None or variable not in environ:
                raise ConfigError(
                    f"{self.kind} {name}: environment variable {variable or '?'} is not set"
                )
            filled[name] = environ[variable]
        return filled
