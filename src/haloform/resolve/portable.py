"""Records in a file's terms: the one transformation diffs, fingerprints and export share.

Halo answers in tenant ids with server noise around them; a file speaks in names and
guids. ``to_portable`` turns a record into the file's terms, and it is used on both
sides of a diff: on a live record, and on a desired payload (``to_payload``, ids and
symbolic ``{"$managed": ...}`` refs). Because both go through the same function, the two
compare equal exactly when Halo would hold the same thing, and what export writes is
what a file would say.

The rules, each because of something Halo does:

- Only fields the kind's models declare are kept (walking nested models): server-owned
  names, companions (``*_name``, ``*_guid``, ``value_display``), child ids and fields
  haloform does not know are dropped. Passthrough lists are kept as Halo sent them.
- Unset values are dropped (``KindSpec.is_unset``: None, ``""``, ``[]``, ``{}``, and
  the ``0`` / ``false`` Halo's zero-filled rows carry for every id reference and every
  declared ``zero_unset`` field): absent and unset must look alike, so export never
  writes ``new_agent_id: 0``. A desired payload keeps them (``keep_empty``): a file
  that writes ``criteria: []`` clears the list, and the diff must see that (it treats
  absent and unset as equal).
- A reference of 0 is never a tenant id: it is never looked up nor named.
- A reference id becomes ``{word: name}`` (``{agent: Alice}``, ``{workflow: Incident}``);
  an id the tenant has no name for stays an int, so a diff shows it and export writes
  it. A name-storing field (``new_team``) is already portable.
- A criterion's ``value_int`` may point at any lookup; its ``fieldname`` says which
  (``criterion_lookup``). An unknown fieldname keeps the int: Halo's ``value_display``
  could name it for a live record, but a desired payload has none, so using it would
  make the two sides differ.
- Halo answers some references with the whole row (``always_allow_actions`` holds
  Outcome objects); such a row is read as its ``id``.
- A field whose value repeats its parent's key is implicit in files (an action's
  ``start_step`` is the step it sits in) and is dropped when it does.
- Integral floats become ints (Halo may answer ``240.0`` for ``240``): the fingerprint
  and export are then the same whichever Halo sent.
- Write-only fields (secrets) are never read back, so they are never compared or written.
- Guids are lower-cased, as files and the tenant index keep them: a guid's case means
  nothing, and it must not show as a change.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from haloform.common.canonical import digest
from haloform.common.ids import is_tenant_id
from haloform.common.paths import join_path
from haloform.kinds import KindSpec, by_kind, by_ref_key
from haloform.kinds.base import FILE_ONLY
from haloform.kinds.lookups import criterion_lookup
from haloform.kinds.ref_fields import RefField, nested_models
from haloform.kinds.unmodelled import UNMODELLED, portable_rows, unknown_fields
from haloform.resolve.index import TenantIndex, managed_ref, parse_managed_ref

IMPLIED_BY_PARENT: Mapping[str, str] = types.MappingProxyType({"start_step": "step_id"})
"""Child field -> the parent field it defaults to. A step action's ``start_step`` is
the step it sits in (the payload fills it in), so files leave it out when it is."""

_GUID = "guid"
"""An identity (a resource's, a step rule's): one spelling, as files and indexes keep it."""

_HEAD = ("kind", _GUID, "name")
"""Where every file starts, whatever the kind."""

_NOT_READ = FILE_ONLY | {UNMODELLED}
"""Model fields no record holds as such: a record's unknown fields are gathered."""


def is_empty(value: object) -> bool:
    """Whether Halo would leave ``value`` out of its answer (so absent means this)."""
    return value is None or (isinstance(value, str | list | Mapping) and not value)


def to_portable(
    spec: KindSpec, record: Mapping[str, Any], index: TenantIndex, *, keep_empty: bool = False
) -> dict[str, Any]:
    """``record`` (live, or a desired payload) in the file's portable terms.

    ``keep_empty`` is for desired payloads: an empty value there was written on purpose
    to clear a field. Live records and export leave it False.
    """
    walk = _Walk(spec, index, keep_empty, _references(spec))
    return walk.object(spec.model, record, "", None)


def fingerprint(spec: KindSpec, record: Mapping[str, Any], index: TenantIndex) -> str:
    """A digest of what the record means, blind to server noise (``in_use``, companion
    names, key order), so a stale-plan check fires on real edits only."""
    return digest(to_portable(spec, record, index))


def file_order(spec: KindSpec, portable: Mapping[str, Any]) -> dict[str, Any]:
    """``portable`` as a file lays it out: ``kind``, ``guid``, ``name``, then the model's
    declaration order, so exports are byte-stable. Nested objects need nothing more:
    ``to_portable`` builds each of them in its model's order."""
    ordered: dict[str, Any] = {"kind": spec.kind}
    for name in (*_HEAD, *spec.model.model_fields):
        if name in portable and name not in _NOT_READ:
            ordered[name] = portable[name]
    ordered.update({key: value for key, value in portable.items() if key not in ordered})
    return ordered


@functools.cache
def _references(spec: KindSpec) -> Mapping[str, RefField]:
    return {ref.path: ref for ref in spec.references}


@functools.cache
def _nested_model(info: FieldInfo) -> tuple[type[BaseModel], bool] | None:
    """The model a field holds, if any: asked for every value of every record, and a
    field's annotation never changes (``FieldInfo`` hashes by identity)."""
    return next(nested_models(info), None)


@dataclass(frozen=True)
class _Walk:
    """One record's walk: the model tree and the record side by side, by path pattern
    (``steps[].actions[].action_id``, the patterns ``KindSpec`` speaks)."""

    spec: KindSpec
    index: TenantIndex
    keep_empty: bool
    references: Mapping[str, RefField]

    def object(
        self,
        model: type[BaseModel],
        record: Mapping[str, Any],
        prefix: str,
        parent: Mapping[str, Any] | None,
    ) -> dict[str, Any]:
        portable: dict[str, Any] = {}
        fields = model.model_fields
        for name, info in fields.items():
            path = join_path(prefix, name)
            if name in _NOT_READ or path in self.spec.write_only or name not in record:
                continue
            value = self.value(info, record[name], path, record)
            if value is not None and (self.keep_empty or not self.spec.is_unset(path, value)):
                portable[name] = value
        if parent is not None:
            _drop_implied(portable, parent)
        for id_field, guid_field in getattr(model, "identified_by_guid", {}).items():
            if portable.get(guid_field):
                portable.pop(id_field, None)  # each tenant's own id: the guid says it
        unknown = unknown_fields(record, fields, getattr(model, "server_owned", frozenset()))
        if unknown:
            portable[UNMODELLED] = unknown
        return portable

    def value(self, info: FieldInfo, value: Any, path: str, record: Mapping[str, Any]) -> Any:
        reference = self.references.get(path)
        if reference is not None:
            return self.reference(reference, value, record)
        nested = _nested_model(info)
        if nested is not None:
            model, in_list = nested
            return self.nested(model, value, f"{path}[]" if in_list else path, record)
        if path.rpartition(".")[2] == _GUID and isinstance(value, str):
            return value.casefold()
        if isinstance(value, list | Mapping):
            return portable_rows(value)  # a passthrough list: rows without their ids
        return _plain(value)

    def nested(
        self, model: type[BaseModel], value: Any, pattern: str, parent: Mapping[str, Any]
    ) -> Any:
        if isinstance(value, Mapping):
            return self.object(model, value, pattern, parent)
        if isinstance(value, list):
            return [self.nested(model, item, pattern, parent) for item in value]
        return value

    def reference(self, ref: RefField, value: Any, record: Mapping[str, Any]) -> Any:
        if isinstance(value, list):
            return [self.reference(ref, item, record) for item in value]
        if ref.stores_name:
            target = _target(ref, record)
            return (
                self.index.file_name(target, value) if target and isinstance(value, str) else value
            )
        if isinstance(value, Mapping):
            managed = parse_managed_ref(value)
            if managed is not None:
                return self.managed(*managed)
            if "id" not in value:
                return dict(value)  # already in a file's terms
            value = value["id"]
        value = _plain(value)
        if not is_tenant_id(value):
            return value  # 0: Halo's "not set"; negative: one of Halo's own codes
        return self.named(_target(ref, record), value)

    def named(self, target: str | None, id: int) -> Any:
        """``{target: name}`` for a tenant id, or the id when the tenant has no name."""
        if target is None:
            return id
        managed = by_ref_key(target)
        if managed is None:
            name = self.index.lookup_name(target, id)
            return id if name is None else {target: name}
        guid = self.index.managed_guid(managed.kind, id)
        return id if guid is None else self.managed(managed.kind, guid)

    def managed(self, kind: str, guid: str) -> Any:
        return managed_portable(kind, guid, self.index)


def managed_portable(kind: str, guid: str, index: TenantIndex) -> Any:
    """A managed resource as a file refers to it: ``{workflow: Incident}``, or by guid
    when the tenant knows no name for it."""
    spec = by_kind(kind)
    if spec is None or spec.ref_key is None:
        return managed_ref(kind, guid)  # not a reference a file can write
    name = index.managed_name(kind, guid.casefold())
    return {spec.ref_key: name if name is not None else {"guid": guid}}


def _target(ref: RefField, record: Mapping[str, Any]) -> str | None:
    """What a reference id points at; a field open to several lookups (a criterion's
    ``value_int``) is told by its record's ``fieldname``."""
    if len(ref.targets) == 1:
        return ref.targets[0]
    target = criterion_lookup(record)
    return target if target in ref.targets else None


def _drop_implied(portable: dict[str, Any], parent: Mapping[str, Any]) -> None:
    for child, key in IMPLIED_BY_PARENT.items():
        if child in portable and key in parent and portable[child] == parent[key]:
            del portable[child]


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
