"""Turning a repo's references into one tenant's ids, all problems at once.

Every reference of every resource is resolved before any payload is built, so a plan
against a tenant that lacks an agent or a status fails listing each missing one with
its file and line, and nothing is ever sent on a half-resolved config.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from typing import Any

from haloform.common.ids import canonical_guid, is_tenant_id, known_id
from haloform.common.paths import parse_path
from haloform.diagnostics import Diagnostics
from haloform.kinds import KINDS, KindSpec, by_ref_key
from haloform.kinds.ref_fields import iter_refs
from haloform.kinds.refs import Ref, TenantIds
from haloform.load.located import did_you_mean
from haloform.load.repo import Repo
from haloform.resolve.index import ManagedIndex, TenantIndex, managed_ref
from haloform.snapshot.state import LiveState

Resolved = dict[Ref, Any]
"""A reference -> what the payload holds: a lookup id, or a symbolic managed ref."""


def tenant_index(
    repo: Repo, live: LiveState, lookup_names: Mapping[str, Mapping[str, str]]
) -> TenantIndex:
    """Both directions of every reference for this tenant and this repo."""
    managed: dict[str, ManagedIndex] = {}
    for spec in KINDS:
        if spec.ref_key is None or spec.kind not in live.kinds:
            continue
        rows = live.kinds[spec.kind].rows
        names = {
            str(row["guid"]).casefold(): str(row.get("name", "")) for row in rows if row.get("guid")
        }
        names.update({item.guid: item.name for item in repo.of_kind(spec)})
        managed[spec.kind] = ManagedIndex(
            guid_by_id={known_id(r): canonical_guid(r["guid"]) for r in rows if r.get("guid")},
            id_by_guid={canonical_guid(r["guid"]): known_id(r) for r in rows if r.get("guid")},
            name_by_guid=names,
        )
    return TenantIndex(live.directory, managed, lookup_names)


def ids_by_guid(live: LiveState) -> dict[str, dict[str, int]]:
    """Each guid-identified id as this tenant's rows pair it with its guid (a step's
    ``auto_action_type`` beside its ``auto_action_type_guid``): for
    ``TenantIndex.ids_by_guid``, once the rows that carry them (steps) are read. Rows
    of records the repo does not manage count too: the pairing is the tenant's."""
    found: dict[str, dict[str, int]] = {}
    for spec in KINDS:
        kind = live.kinds.get(spec.kind)
        if kind is None:
            continue
        records = [kind.by_guid(str(row["guid"])) or row for row in kind.rows if row.get("guid")]
        records.append(dict(kind.children))  # every child row, as if one record held them
        for pattern, pairs in spec.guid_identified.items():
            nodes = [node for record in records for node in objects_at(record, pattern)]
            for (id_field, guid_field), node in itertools.product(pairs, nodes):
                guid, id = node.get(guid_field), node.get(id_field)
                if isinstance(guid, str) and guid and isinstance(id, int) and is_tenant_id(id):
                    found.setdefault(guid_field, {})[canonical_guid(guid)] = id
    return found


def guid_identified_kinds(repo: Repo) -> set[str]:
    """Kinds whose files set a guid that identifies a tenant id (a step's integration
    method): a plan reads every row that may pair it, of the records it manages or not."""
    found = set()
    for item in repo.resources:
        spec = item.spec
        if spec.kind in found or not spec.guid_identified:
            continue
        document = item.resource.model_dump(exclude_none=True)
        for pattern, pairs in spec.guid_identified.items():
            nodes = objects_at(document, pattern)
            if any(node.get(guid) for node in nodes for _, guid in pairs):
                found.add(spec.kind)
    return found


def with_tenant_ids(spec: KindSpec, payload: dict[str, Any], index: TenantIndex) -> list[str]:
    """Put this tenant's id beside each guid that identifies one, in place (a step's
    ``auto_action_type`` from its ``auto_action_type_guid``); a file's id for another
    tenant is never sent. Says which guids this tenant's rows never name: those are
    sent by the guid alone."""
    missing: list[str] = []
    for pattern, pairs in spec.guid_identified.items():
        for node in objects_at(payload, pattern):
            for id_field, guid_field in pairs:
                guid = node.get(guid_field)
                if not isinstance(guid, str) or not guid:
                    continue
                id = index.ids_by_guid.get(guid_field, {}).get(canonical_guid(guid))
                node.pop(id_field, None)
                if id is None:
                    missing.append(f"{guid_field} {guid}")
                else:
                    node[id_field] = id
    return missing


def objects_at(node: Any, pattern: str) -> Iterator[dict[str, Any]]:
    """The objects a pattern names in a record (``steps[]``: each step; ``""``: the
    record itself)."""
    if not pattern:
        if isinstance(node, dict):
            yield node
        return
    head, _, rest = pattern.partition(".")
    name = head.removesuffix("[]")
    value = node.get(name) if isinstance(node, dict) else None
    for child in value if head.endswith("[]") and isinstance(value, list) else [value]:
        yield from objects_at(child, rest)


def resolve_all(
    repo: Repo, index: TenantIndex, tenant: str, environment: str
) -> tuple[Resolved, Diagnostics]:
    """Every reference in ``repo`` resolved for ``environment``'s tenant; what cannot
    be is a located error, and a reference the repo does not declare but the tenant
    holds is a located note."""
    resolved: Resolved = {}
    problems = Diagnostics(ignore=repo.diagnostics.ignore)
    for item in repo.resources:
        for path, ref in iter_refs(item.resource):
            if ref not in resolved:
                value, problem = _resolve(repo, index, ref, tenant, environment)
                if problem is not None:
                    problems.error(problem, item.at(parse_path(path)), path)
                    continue
                resolved[ref] = value
            note = _unmanaged_dependency(repo, ref, tenant)
            if note is not None:
                item.warn(problems, "unmanaged-reference", note, path)
    return resolved, problems


def _bound(ref: TenantIds, environment: str, tenant: str) -> tuple[Any, str | None]:
    """A bound id for this environment; none is an error, never another tenant's id."""
    if environment in ref.tenant_ids:
        return ref.tenant_ids[environment], None
    listed = ", ".join(sorted(ref.tenant_ids))
    return None, (
        f"{ref}: an id of {listed} only, and ids differ between tenants: add "
        f"{environment}'s id ({tenant}) as '{environment}: <id>' beside it, or remove the field"
    )


def _resolve(
    repo: Repo, index: TenantIndex, ref: Ref, tenant: str, environment: str
) -> tuple[Any, str | None]:
    if isinstance(ref, TenantIds):
        return _bound(ref, environment, tenant)
    spec = by_ref_key(ref.target)
    if spec is not None:
        return _resolve_managed(repo, index, spec, ref, tenant)
    if ref.name is None:
        return None, f"{ref}: {ref.target} references are by name"
    entries = index.lookup(ref.target, ref.name)
    if len(entries) == 1:
        return entries[0].id, None
    if entries:
        ids = ", ".join(str(entry.id) for entry in entries)
        return (
            None,
            f"{ref} is ambiguous in {tenant}: {len(entries)} {ref.target}s have "
            f"that name (ids {ids}); rename one in Halo",
        )
    if ref.target not in index.directory.entries:
        return None, f"{ref}: haloform cannot look up {ref.target}s (Halo's API has no list)"
    names = [index.file_name(ref.target, entry.name) for entry in index.directory.all(ref.target)]
    return None, f"{ref}: {tenant} has no {ref.target} of that name{did_you_mean(ref.name, names)}"


def _resolve_managed(
    repo: Repo, index: TenantIndex, spec: KindSpec, ref: Ref, tenant: str
) -> tuple[Any, str | None]:
    """A resource the repo declares, else one the tenant holds: a reference to a
    workflow the repo does not manage (yet) is an unmanaged dependency, not an error."""
    guid = ref.guid or repo.guid_by_name(spec.kind, ref.name or "")
    if guid is not None and (ref.guid is None or repo.declared_guid(spec.kind, ref)):
        return managed_ref(spec.kind, guid), None
    live = index.managed.get(spec.kind)
    found = _live_guids(live, ref) if live is not None else []
    if len(found) == 1:
        return managed_ref(spec.kind, found[0]), None
    what = "name" if ref.name is not None else "guid"
    if found:
        return None, f"{ref} is ambiguous in {tenant}: {len(found)} {spec.kind}s have that name"
    names = [
        *(item.name for item in repo.of_kind(spec)),
        *(live.name_by_guid.values() if live else ()),
    ]
    hint = did_you_mean(ref.name, names) if ref.name else ""
    return None, f"{ref}: no {spec.kind} of that {what} in this repo or in {tenant}{hint}"


def _live_guids(live: ManagedIndex, ref: Ref) -> list[str]:
    if ref.guid is not None:
        return [ref.guid] if ref.guid in live.id_by_guid else []
    wanted = (ref.name or "").casefold()
    return sorted(
        g for g, n in live.name_by_guid.items() if n.casefold() == wanted and g in live.id_by_guid
    )


def _unmanaged_dependency(repo: Repo, ref: Ref, tenant: str) -> str | None:
    spec = by_ref_key(ref.target)
    if spec is None or repo.declared_guid(spec.kind, ref) is not None:
        return None
    return (
        f"{ref} is not managed by this repo: it is used as {tenant} has it "
        f"(an unmanaged dependency; 'haloform import' adopts it)"
    )


def with_tenant_names(spec: KindSpec, payload: dict[str, Any], index: TenantIndex) -> None:
    """Put this tenant's spelling into fields where Halo stores a lookup's name (a
    rule's ``new_team``), in place, so an environment's ``lookup_names`` rename applies
    to them as it does to ids."""
    for ref in spec.references:
        if ref.stores_name and len(ref.targets) == 1:
            pattern, _, name = ref.path.rpartition(".")
            for node in objects_at(payload, pattern):
                if isinstance(node.get(name), str):
                    node[name] = index.tenant_name(ref.targets[0], node[name])
