"""What a tenant's ids mean: the names behind lookup ids and managed-resource ids.

Files speak in names and guids, Halo in numeric ids that differ per tenant. A
``TenantIndex`` holds both directions for one tenant, so the same index turns a file
into a payload (names -> ids) and a live record back into the file's terms (ids ->
names) for diffs and export.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from haloform.snapshot.directory import Directory, Entry

MANAGED_REF = "$managed"
"""Key of a symbolic reference inside a payload: ``{"$managed": "Workflow/<guid>"}``.
A workflow this very plan creates has no id yet; the applier swaps in the id it gets."""


def managed_ref(kind: str, guid: str) -> dict[str, str]:
    return {MANAGED_REF: f"{kind}/{guid}"}


def parse_managed_ref(value: object) -> tuple[str, str] | None:
    """``(kind, guid)`` of a symbolic reference, None for anything else."""
    if isinstance(value, Mapping) and set(value) == {MANAGED_REF}:
        kind, _, guid = str(value[MANAGED_REF]).partition("/")
        return kind, guid
    return None


@dataclass(frozen=True)
class ManagedIndex:
    """One referable managed kind (workflows) in one tenant."""

    guid_by_id: Mapping[int, str] = field(default_factory=dict)
    """Live records: tenant id -> guid."""
    id_by_guid: Mapping[str, int] = field(default_factory=dict)
    name_by_guid: Mapping[str, str] = field(default_factory=dict)
    """The name references show: the repo's name where the repo declares the guid (it
    is what the file says), else the live record's."""


@dataclass(frozen=True)
class TenantIndex:
    """Both directions of every reference, for one tenant."""

    directory: Directory = field(default_factory=Directory)
    managed: Mapping[str, ManagedIndex] = field(default_factory=dict)
    """By kind (``Workflow``)."""
    lookup_names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Per lookup kind, the file's name -> this tenant's name, where they differ."""
    ids_by_guid: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    """Per guid field (``auto_action_type_guid``), guid -> this tenant's id, as its own
    live rows pair them (``KindSpec.guid_identified``)."""

    def lookup(self, kind: str, name: str) -> list[Entry]:
        """Entries a file's name means here (several: ambiguous; none: missing)."""
        tenant_name = self.lookup_names.get(kind, {}).get(name, name)
        return self.directory.by_name(kind, tenant_name)

    def lookup_name(self, kind: str, id: int) -> str | None:
        """The file's name for a tenant id (renames applied in reverse), if known."""
        entry = self.directory.by_id(kind, id)
        return None if entry is None else self.file_name(kind, entry.name)

    def file_name(self, kind: str, tenant_name: str) -> str:
        """The name a file uses for what this tenant calls ``tenant_name``."""
        renamed = {v.casefold(): k for k, v in self.lookup_names.get(kind, {}).items()}
        return renamed.get(tenant_name.casefold(), tenant_name)

    def tenant_name(self, kind: str, file_name: str) -> str:
        """What this tenant calls a lookup a file names (its exact spelling when known):
        for the fields where Halo stores the name itself (a rule's ``new_team``)."""
        entries = self.lookup(kind, file_name)
        if len(entries) == 1:
            return entries[0].name
        return self.lookup_names.get(kind, {}).get(file_name, file_name)

    def managed_name(self, kind: str, guid: str) -> str | None:
        index = self.managed.get(kind)
        return index.name_by_guid.get(guid) if index else None

    def managed_guid(self, kind: str, id: int) -> str | None:
        index = self.managed.get(kind)
        return index.guid_by_id.get(id) if index else None
